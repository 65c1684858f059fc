package ai.prometheus.deploy.image;

/**
 * A container image reference, {@code [registry/]path[:tag][@digest]}, split the way container
 * runtimes read it: the first path component is a registry host only when it has a dot or a port
 * or is {@code localhost}; otherwise the runtime pulls from Docker Hub.
 */
public record ImageReference(String name, String tag, String digest) {

    /** Parses {@code reference}; null for a blank one. */
    public static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            return null;
        }
        String rest = reference.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        return new ImageReference(rest, tag, digest);
    }

    /** The registry host the reference names, or null when it names none (Docker Hub, implicitly). */
    public String registry() {
        int slash = name.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String first = name.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : null;
    }

    /** This reference with kustomize's replacements applied (null keeps a part as it is). */
    public ImageReference with(String newName, String newTag, String newDigest) {
        return new ImageReference(
                newName != null ? newName : name,
                newDigest != null ? null : newTag != null ? newTag : tag,
                newDigest != null ? newDigest : newTag != null ? null : digest);
    }

    @Override
    public String toString() {
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
