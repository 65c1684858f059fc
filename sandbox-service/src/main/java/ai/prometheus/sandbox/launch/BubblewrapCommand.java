package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.config.SandboxConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The {@code bwrap} step of the chain: the namespaces, the filesystem view, the environment. */
final class BubblewrapCommand {

    static final String INNER_HOME = "/workspace";
    /** Where {@code sandbox-launch} is mounted inside a sandbox, to be its init. */
    static final String INIT = "/run/sandbox-init";
    /** Where a run with a network policy finds the egress proxy's Unix socket (its directory). */
    static final String EGRESS_DIRECTORY = "/run/egress";
    /** Where the node preload that sends {@code fetch}, {@code http} and {@code https} through the proxy is mounted. */
    static final String NODE_PRELOAD = "/run/egress-node.js";

    /**
     * The sandbox's /dev: the data devices and the descriptor links programs expect, no terminal
     * (a sandbox has none). Built here rather than with bubblewrap's {@code --dev}, whose extra
     * device binds and devpts instance cost about 0.4 ms of every cold start.
     */
    private static final List<String> DEV = devView();

    private final SandboxConfig.Isolation isolation;
    private final boolean disableUserns;
    private final List<String> baseView;
    private final Optional<Path> launchProgram;
    private final List<Path> identityFiles;
    private final Optional<Path> runTmpfs;

    BubblewrapCommand(
            SandboxConfig.Isolation isolation,
            boolean disableUserns,
            Optional<Path> launchProgram,
            List<Path> identityFiles,
            Optional<Path> runTmpfs) {
        this.isolation = isolation;
        this.disableUserns = disableUserns;
        this.launchProgram = launchProgram;
        this.identityFiles = identityFiles;
        this.runTmpfs = runTmpfs;
        this.baseView = filesystemView(isolation.readOnlyPaths());
    }

    List<String> arguments(StartProfile profile, SandboxLauncher.EgressMount egress, boolean seccomp) {
        String size = Long.toString(profile.workspaceBytes());
        String inner = Integer.toString(isolation.innerUid());
        List<String> args = new ArrayList<>(List.of(
                isolation.bwrap(),
                "--unshare-all",
                "--unshare-user",
                "--die-with-parent",
                "--new-session",
                "--as-pid-1",
                "--uid",
                inner,
                "--gid",
                inner,
                "--hostname",
                "sandbox",
                "--cap-drop",
                "ALL"));
        if (disableUserns) {
            args.add("--disable-userns");
        }
        args.addAll(baseView);
        args.addAll(List.of("--proc", "/proc"));
        args.addAll(DEV);
        if (runTmpfs.isPresent()) {
            String shared = runTmpfs.get().toString();
            args.addAll(List.of(
                    "--bind", shared + "/shm", "/dev/shm", "--remount-ro", "/dev", "--bind", shared + "/tmp", "/tmp"));
        } else {
            args.addAll(List.of(
                    "--size", size, "--tmpfs", "/dev/shm", "--remount-ro", "/dev", "--size", size, "--tmpfs", "/tmp"));
        }
        if (profile.sessionWorkspace() != null) {
            args.addAll(List.of("--bind", profile.sessionWorkspace().toString(), INNER_HOME));
        } else if (runTmpfs.isPresent()) {
            args.addAll(List.of("--bind", runTmpfs.get() + "/workspace", INNER_HOME));
        } else {
            args.addAll(List.of("--size", size, "--tmpfs", INNER_HOME));
        }
        launchProgram.ifPresent(program -> args.addAll(List.of("--ro-bind", program.toString(), INIT)));
        for (Path file : identityFiles) {
            args.addAll(List.of("--ro-bind", file.toString(), "/etc/" + file.getFileName()));
        }
        if (egress != null) {
            args.addAll(List.of(
                    "--ro-bind",
                    egress.socketDirectory().toString(),
                    EGRESS_DIRECTORY,
                    "--ro-bind",
                    egress.nodePreload().toString(),
                    NODE_PRELOAD));
        }
        // Everything outside the writable mounts above is read-only, including bubblewrap's root.
        args.addAll(List.of("--remount-ro", "/", "--chdir", INNER_HOME));
        if (seccomp) {
            args.addAll(List.of("--seccomp", "3"));
        }
        args.addAll(List.of(
                "--clearenv",
                "--setenv",
                "PATH",
                "/usr/local/bin:/usr/bin:/bin",
                "--setenv",
                "HOME",
                INNER_HOME,
                "--setenv",
                "TMPDIR",
                "/tmp",
                "--setenv",
                "LANG",
                "C.UTF-8",
                "--setenv",
                "USER",
                SandboxIdentity.USER));
        if (egress != null) {
            args.addAll(proxyEnvironment(egress.port()));
        }
        args.add("--");
        return args;
    }

    /**
     * The proxy for every client that reads the usual variables (curl reads the lower-case
     * {@code http_proxy} only, Python both), and node's preload; the sandbox's own loopback
     * stays direct.
     */
    private static List<String> proxyEnvironment(int port) {
        String proxy = "http://127.0.0.1:" + port;
        List<String> env = new ArrayList<>();
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")) {
            env.addAll(List.of("--setenv", name, proxy, "--setenv", name.toLowerCase(Locale.ROOT), proxy));
        }
        String direct = "localhost,127.0.0.1,::1";
        env.addAll(List.of(
                "--setenv",
                "NO_PROXY",
                direct,
                "--setenv",
                "no_proxy",
                direct,
                "--setenv",
                "NODE_OPTIONS",
                "--require " + NODE_PRELOAD));
        return env;
    }

    private static List<String> devView() {
        List<String> args = new ArrayList<>(List.of("--tmpfs", "/dev"));
        for (String device : List.of("null", "zero", "full", "random", "urandom")) {
            args.addAll(List.of("--dev-bind-try", "/dev/" + device, "/dev/" + device));
        }
        args.addAll(List.of("--symlink", "/proc/self/fd", "/dev/fd"));
        List<String> streams = List.of("stdin", "stdout", "stderr");
        for (int fd = 0; fd < streams.size(); fd++) {
            args.addAll(List.of("--symlink", "/proc/self/fd/" + fd, "/dev/" + streams.get(fd)));
        }
        return List.copyOf(args);
    }

    /**
     * The read-only host paths, plus /bin, /lib, /lib64 and /sbin as the host has them: symlinks
     * into /usr on merged-/usr systems, bind mounts on the others.
     */
    private static List<String> filesystemView(List<String> readOnlyPaths) {
        List<String> args = new ArrayList<>();
        for (String path : readOnlyPaths) {
            args.addAll(List.of("--ro-bind-try", path, path));
        }
        for (String top : List.of("/bin", "/lib", "/lib64", "/sbin")) {
            Path host = Path.of(top);
            if (readOnlyPaths.contains(top)) {
                continue;
            }
            if (Files.isSymbolicLink(host)) {
                try {
                    args.addAll(
                            List.of("--symlink", Files.readSymbolicLink(host).toString(), top));
                } catch (IOException e) {
                    // unreadable link: leave it out
                }
            } else if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--ro-bind", top, top));
            }
        }
        return List.copyOf(args);
    }
}
