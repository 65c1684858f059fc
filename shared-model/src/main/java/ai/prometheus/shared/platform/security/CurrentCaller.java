package ai.prometheus.shared.platform.security;

import ai.prometheus.shared.security.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;

/**
 * The caller of the current HTTP request; inject it where a resource needs to know who is asking.
 * {@link PermissionFilter} sets it once it has authenticated the request, so reading it never
 * blocks the event loop (authentication is lazy in this suite).
 */
@RequestScoped
public class CurrentCaller {

    private Caller caller = Caller.ANONYMOUS;

    public Caller get() {
        return caller;
    }

    void set(Caller caller) {
        this.caller = caller;
    }

    public static Caller of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Caller.ANONYMOUS;
        }
        Caller caller = identity.getAttribute(PermissionAugmentor.CALLER_ATTRIBUTE);
        return caller != null ? caller : Caller.ANONYMOUS;
    }
}
