package ai.prometheus.shared.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the permission a resource method (or every method of a resource class) needs. The
 * caller must hold at least one of the listed permissions. A target may name a path parameter in
 * braces, checked against the actual value: {@code @RequiresPermission("tools:invoke:{name}")}.
 *
 * <p>Without a token, or with an invalid one, the answer is 401; with a token lacking the
 * permission, 403. Methods with neither this annotation nor {@code @PermitAll} still require an
 * authenticated caller.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresPermission {
    String[] value();
}
