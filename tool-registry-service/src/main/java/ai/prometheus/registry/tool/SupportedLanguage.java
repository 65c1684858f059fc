package ai.prometheus.registry.tool;

import ai.prometheus.shared.sandbox.Languages;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** One of the sandbox's languages; a missing or blank value is left to {@code @NotBlank}. */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = SupportedLanguage.Check.class)
public @interface SupportedLanguage {

    String message() default "is not a language the sandbox runs";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<SupportedLanguage, String> {
        @Override
        public boolean isValid(String language, ConstraintValidatorContext context) {
            if (language == null || language.isBlank() || Languages.SUPPORTED.contains(language)) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate("must be one of "
                            + String.join(
                                    ", ", Languages.SUPPORTED.stream().sorted().toList()))
                    .addConstraintViolation();
            return false;
        }
    }
}
