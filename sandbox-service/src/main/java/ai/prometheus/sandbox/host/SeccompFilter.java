package ai.prometheus.sandbox.host;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A classic-BPF seccomp program, loaded by bubblewrap right before the interpreter starts. It is
 * defence in depth behind the namespaces: it refuses what no tool code needs and what most
 * sandbox escapes use (ptrace, mounts, new namespaces, kernel keyrings, io_uring, bpf, module
 * loading, handle-based opens) and allows sockets of the Unix family only; the filter for runs with
 * a network policy also allows TCP and UDP sockets (never raw or packet ones), which reach nothing
 * but the sandbox's own loopback, where the egress bridge listens. Refused calls fail with
 * {@code EPERM} (sockets: {@code EAFNOSUPPORT}) rather than killing the process, so programs
 * report a clear error. A program built for another architecture is killed.
 *
 * <p>Size: ~340 lines, about half of them the system call numbers of each architecture; the rest is
 * the one program built from them, so the policy and its encoding read together; move the number
 * tables to their own class if more architectures come.
 */
public final class SeccompFilter {

    // seccomp_data offsets: nr (int), arch (u32), instruction pointer (u64), args[6] (u64 each).
    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    private static final int OFFSET_ARG0 = 16;
    private static final int OFFSET_ARG1 = 24;

    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int JSET_K = 0x45;
    private static final int RET_K = 0x06;
    private static final int ALU_AND_K = 0x54;

    private static final int RET_ALLOW = 0x7fff0000;
    private static final int RET_KILL_PROCESS = 0x80000000;
    private static final int RET_ERRNO = 0x00050000;
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    private static final int EAFNOSUPPORT = 97;

    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_TYPE_MASK = 0xf;
    private static final long TIOCSTI = 0x5412;
    // CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
    private static final int CLONE_NAMESPACES =
            0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
    private static final long X32_SYSCALL_BIT = 0x40000000L;

    private static final List<String> DENIED = List.of(
            "ptrace",
            "process_vm_readv",
            "process_vm_writev",
            "pidfd_getfd",
            "mount",
            "umount2",
            "pivot_root",
            "chroot",
            "mount_setattr",
            "move_mount",
            "open_tree",
            "fsopen",
            "fsconfig",
            "fsmount",
            "fspick",
            "unshare",
            "setns",
            "bpf",
            "perf_event_open",
            "userfaultfd",
            "io_uring_setup",
            "io_uring_enter",
            "io_uring_register",
            "keyctl",
            "add_key",
            "request_key",
            "init_module",
            "finit_module",
            "delete_module",
            "kexec_load",
            "kexec_file_load",
            "open_by_handle_at",
            "name_to_handle_at",
            "swapon",
            "swapoff",
            "reboot",
            "acct",
            "quotactl",
            "syslog",
            "vhangup",
            "settimeofday",
            "clock_settime",
            "adjtimex",
            "clock_adjtime",
            "lookup_dcookie");

    /** One architecture: its audit id and the numbers of the calls the filter inspects. */
    record Arch(int auditArch, boolean x32Possible, Map<String, Integer> numbers) {}

    // Numbers from the kernel's unistd headers (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h).
    private static final Arch X86_64 = new Arch(
            0xc000003e,
            true,
            Map.ofEntries(
                    Map.entry("ptrace", 101),
                    Map.entry("process_vm_readv", 310),
                    Map.entry("process_vm_writev", 311),
                    Map.entry("pidfd_getfd", 438),
                    Map.entry("mount", 165),
                    Map.entry("umount2", 166),
                    Map.entry("pivot_root", 155),
                    Map.entry("chroot", 161),
                    Map.entry("mount_setattr", 442),
                    Map.entry("move_mount", 429),
                    Map.entry("open_tree", 428),
                    Map.entry("fsopen", 430),
                    Map.entry("fsconfig", 431),
                    Map.entry("fsmount", 432),
                    Map.entry("fspick", 433),
                    Map.entry("unshare", 272),
                    Map.entry("setns", 308),
                    Map.entry("bpf", 321),
                    Map.entry("perf_event_open", 298),
                    Map.entry("userfaultfd", 323),
                    Map.entry("io_uring_setup", 425),
                    Map.entry("io_uring_enter", 426),
                    Map.entry("io_uring_register", 427),
                    Map.entry("keyctl", 250),
                    Map.entry("add_key", 248),
                    Map.entry("request_key", 249),
                    Map.entry("init_module", 175),
                    Map.entry("finit_module", 313),
                    Map.entry("delete_module", 176),
                    Map.entry("kexec_load", 246),
                    Map.entry("kexec_file_load", 320),
                    Map.entry("open_by_handle_at", 304),
                    Map.entry("name_to_handle_at", 303),
                    Map.entry("swapon", 167),
                    Map.entry("swapoff", 168),
                    Map.entry("reboot", 169),
                    Map.entry("acct", 163),
                    Map.entry("quotactl", 179),
                    Map.entry("syslog", 103),
                    Map.entry("vhangup", 153),
                    Map.entry("settimeofday", 164),
                    Map.entry("clock_settime", 227),
                    Map.entry("adjtimex", 159),
                    Map.entry("clock_adjtime", 305),
                    Map.entry("lookup_dcookie", 212),
                    Map.entry("socket", 41),
                    Map.entry("socketpair", 53),
                    Map.entry("clone", 56),
                    Map.entry("clone3", 435),
                    Map.entry("ioctl", 16)));

    private static final Arch AARCH64 = new Arch(
            0xc00000b7,
            false,
            Map.ofEntries(
                    Map.entry("ptrace", 117),
                    Map.entry("process_vm_readv", 270),
                    Map.entry("process_vm_writev", 271),
                    Map.entry("pidfd_getfd", 438),
                    Map.entry("mount", 40),
                    Map.entry("umount2", 39),
                    Map.entry("pivot_root", 41),
                    Map.entry("chroot", 51),
                    Map.entry("mount_setattr", 442),
                    Map.entry("move_mount", 429),
                    Map.entry("open_tree", 428),
                    Map.entry("fsopen", 430),
                    Map.entry("fsconfig", 431),
                    Map.entry("fsmount", 432),
                    Map.entry("fspick", 433),
                    Map.entry("unshare", 97),
                    Map.entry("setns", 268),
                    Map.entry("bpf", 280),
                    Map.entry("perf_event_open", 241),
                    Map.entry("userfaultfd", 282),
                    Map.entry("io_uring_setup", 425),
                    Map.entry("io_uring_enter", 426),
                    Map.entry("io_uring_register", 427),
                    Map.entry("keyctl", 219),
                    Map.entry("add_key", 217),
                    Map.entry("request_key", 218),
                    Map.entry("init_module", 105),
                    Map.entry("finit_module", 273),
                    Map.entry("delete_module", 106),
                    Map.entry("kexec_load", 104),
                    Map.entry("kexec_file_load", 294),
                    Map.entry("open_by_handle_at", 265),
                    Map.entry("name_to_handle_at", 264),
                    Map.entry("swapon", 224),
                    Map.entry("swapoff", 225),
                    Map.entry("reboot", 142),
                    Map.entry("acct", 89),
                    Map.entry("quotactl", 60),
                    Map.entry("syslog", 116),
                    Map.entry("vhangup", 58),
                    Map.entry("settimeofday", 170),
                    Map.entry("clock_settime", 112),
                    Map.entry("adjtimex", 171),
                    Map.entry("clock_adjtime", 266),
                    Map.entry("lookup_dcookie", 18),
                    Map.entry("socket", 198),
                    Map.entry("socketpair", 199),
                    Map.entry("clone", 220),
                    Map.entry("clone3", 435),
                    Map.entry("ioctl", 29)));

    private SeccompFilter() {}

    /** The filter for the machine the service runs on, or empty on an architecture it does not know. */
    public static Optional<byte[]> forThisMachine() {
        return forThisMachine(false);
    }

    /** {@code network}: the filter for runs with a network policy (TCP and UDP sockets allowed). */
    public static Optional<byte[]> forThisMachine(boolean network) {
        return archOf(System.getProperty("os.arch")).map(arch -> build(arch, network));
    }

    static Optional<Arch> archOf(String osArch) {
        return switch (osArch == null ? "" : osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            default -> Optional.empty();
        };
    }

    static byte[] build(Arch arch) {
        return build(arch, false);
    }

    static byte[] build(Arch arch, boolean network) {
        Program program = new Program();
        program.load(OFFSET_ARCH);
        program.jump(JEQ_K, arch.auditArch(), 1, 0);
        program.ret(RET_KILL_PROCESS);
        program.load(OFFSET_NR);
        if (arch.x32Possible()) {
            program.jump(JGE_K, X32_SYSCALL_BIT, 0, 1);
            program.ret(RET_ERRNO | EPERM);
        }
        for (String name : DENIED) {
            program.jump(JEQ_K, arch.numbers().get(name), 0, 1);
            program.ret(RET_ERRNO | EPERM);
        }
        // glibc falls back to clone when clone3 is missing; clone's flags can be inspected, clone3's cannot.
        program.jump(JEQ_K, arch.numbers().get("clone3"), 0, 1);
        program.ret(RET_ERRNO | ENOSYS);
        // Each check below reloads the number it compares, so the sequence is order-independent.
        program.jump(JEQ_K, arch.numbers().get("clone"), 0, 3);
        program.load(OFFSET_ARG0);
        program.jump(JSET_K, CLONE_NAMESPACES, 0, 1);
        program.ret(RET_ERRNO | EPERM);
        if (network) {
            addInternetCheck(program, arch.numbers().get("socket"));
        } else {
            addFamilyCheck(program, arch.numbers().get("socket"));
        }
        addFamilyCheck(program, arch.numbers().get("socketpair"));
        program.load(OFFSET_NR);
        program.jump(JEQ_K, arch.numbers().get("ioctl"), 0, 3);
        program.load(OFFSET_ARG1);
        program.jump(JEQ_K, TIOCSTI, 0, 1);
        program.ret(RET_ERRNO | EPERM);
        program.ret(RET_ALLOW);
        return program.bytes();
    }

    private static void addFamilyCheck(Program program, int number) {
        program.load(OFFSET_NR);
        program.jump(JEQ_K, number, 0, 3);
        program.load(OFFSET_ARG0);
        program.jump(JEQ_K, AF_UNIX, 1, 0);
        program.ret(RET_ERRNO | EAFNOSUPPORT);
    }

    /**
     * socket(): Unix as always; IPv4 and IPv6 for streams and datagrams only (a raw socket, which
     * needs a capability the sandbox lacks anyway, gets EPERM); any other family EAFNOSUPPORT.
     */
    private static void addInternetCheck(Program program, int number) {
        program.load(OFFSET_NR);
        program.jump(JEQ_K, number, 0, 10);
        program.load(OFFSET_ARG0);
        program.jump(JEQ_K, AF_UNIX, 8, 0);
        program.jump(JEQ_K, AF_INET, 2, 0);
        program.jump(JEQ_K, AF_INET6, 1, 0);
        program.ret(RET_ERRNO | EAFNOSUPPORT);
        program.load(OFFSET_ARG1);
        program.and(SOCK_TYPE_MASK);
        program.jump(JEQ_K, SOCK_STREAM, 2, 0);
        program.jump(JEQ_K, SOCK_DGRAM, 1, 0);
        program.ret(RET_ERRNO | EPERM);
    }

    /** struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } in native (little-endian) order. */
    private static final class Program {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void load(int offset) {
            add(LD_W_ABS, 0, 0, offset);
        }

        void jump(int code, long k, int jumpIfTrue, int jumpIfFalse) {
            add(code, jumpIfTrue, jumpIfFalse, k);
        }

        void and(long mask) {
            add(ALU_AND_K, 0, 0, mask);
        }

        void ret(int value) {
            add(RET_K, 0, 0, value & 0xffffffffL);
        }

        private void add(int code, int jt, int jf, long k) {
            out.write(code & 0xff);
            out.write((code >>> 8) & 0xff);
            out.write(jt);
            out.write(jf);
            out.write((int) (k & 0xff));
            out.write((int) ((k >>> 8) & 0xff));
            out.write((int) ((k >>> 16) & 0xff));
            out.write((int) ((k >>> 24) & 0xff));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
