package ai.prometheus.sandbox.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the generated BPF program in a tiny interpreter, the way the kernel would, on sample calls. */
class SeccompFilterTest {

    private static final int ALLOW = 0x7fff0000;

    @Test
    void x86FilterDeniesEscapesAndAllowsOrdinaryCalls() {
        byte[] program = SeccompFilter.build(SeccompFilter.archOf("amd64").orElseThrow());
        assertEquals(0, program.length % 8);
        int arch = 0xc000003e;
        assertEquals(ALLOW, run(program, arch, 0, 0, 0)); // read
        assertEquals(ALLOW, run(program, arch, 59, 0, 0)); // execve
        assertEquals(0x50000 | 1, run(program, arch, 101, 0, 0)); // ptrace
        assertEquals(0x50000 | 1, run(program, arch, 272, 0x10000000, 0)); // unshare
        assertEquals(0x50000 | 1, run(program, arch, 165, 0, 0)); // mount
        assertEquals(0x50000 | 97, run(program, arch, 41, 2, 1)); // socket(AF_INET)
        assertEquals(ALLOW, run(program, arch, 41, 1, 1)); // socket(AF_UNIX)
        assertEquals(0x50000 | 97, run(program, arch, 53, 10, 1)); // socketpair(AF_INET6)
        assertEquals(ALLOW, run(program, arch, 56, 0x01200011, 0)); // clone for fork
        assertEquals(0x50000 | 1, run(program, arch, 56, 0x10000000 | 0x11, 0)); // clone(CLONE_NEWUSER)
        assertEquals(0x50000 | 38, run(program, arch, 435, 0, 0)); // clone3
        assertEquals(0x50000 | 1, run(program, arch, 16, 0, 0x5412)); // ioctl(TIOCSTI)
        assertEquals(ALLOW, run(program, arch, 16, 1, 0x5401)); // ioctl(TCGETS)
        assertEquals(0x50000 | 1, run(program, arch, 0x40000000 + 1, 0, 0)); // x32 ABI
        assertEquals(0x80000000, run(program, 0x40000003, 1, 0, 0)); // i386 ABI: killed
    }

    @Test
    void aarch64FilterUsesItsOwnNumbers() {
        byte[] program = SeccompFilter.build(SeccompFilter.archOf("aarch64").orElseThrow());
        int arch = 0xc00000b7;
        assertEquals(0x50000 | 1, run(program, arch, 117, 0, 0)); // ptrace
        assertEquals(0x50000 | 97, run(program, arch, 198, 2, 0)); // socket(AF_INET)
        assertEquals(ALLOW, run(program, arch, 101, 0, 0)); // nanosleep on aarch64, ptrace on x86
        assertTrue(SeccompFilter.archOf("sparc").isEmpty());
    }

    @Test
    void networkFilterAllowsInternetStreamsAndDatagramsButNoRawSockets() {
        byte[] program = SeccompFilter.build(SeccompFilter.archOf("amd64").orElseThrow(), true);
        int arch = 0xc000003e;
        assertEquals(ALLOW, run(program, arch, 41, 2, 1)); // socket(AF_INET, SOCK_STREAM)
        assertEquals(ALLOW, run(program, arch, 41, 2, 1 | 0x80000 | 0x800)); // with CLOEXEC | NONBLOCK
        assertEquals(ALLOW, run(program, arch, 41, 10, 2)); // socket(AF_INET6, SOCK_DGRAM)
        assertEquals(ALLOW, run(program, arch, 41, 1, 1)); // socket(AF_UNIX)
        assertEquals(0x50000 | 1, run(program, arch, 41, 2, 3)); // socket(AF_INET, SOCK_RAW)
        assertEquals(0x50000 | 1, run(program, arch, 41, 10, 3)); // socket(AF_INET6, SOCK_RAW)
        assertEquals(0x50000 | 97, run(program, arch, 41, 17, 3)); // socket(AF_PACKET)
        assertEquals(0x50000 | 97, run(program, arch, 41, 16, 3)); // socket(AF_NETLINK)
        assertEquals(0x50000 | 97, run(program, arch, 53, 2, 1)); // socketpair(AF_INET)
        assertEquals(0x50000 | 1, run(program, arch, 101, 0, 0)); // ptrace, as always
        assertEquals(ALLOW, run(program, arch, 0, 0, 0)); // read
        byte[] plain = SeccompFilter.build(SeccompFilter.archOf("amd64").orElseThrow(), false);
        assertEquals(0x50000 | 97, run(plain, arch, 41, 2, 1)); // without a policy: no AF_INET
    }

    /** A classic-BPF interpreter for the instructions the filter uses. */
    private static int run(byte[] program, int arch, int nr, long arg0, long arg1) {
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(16, arg0).putLong(24, arg1);
        ByteBuffer code = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, Integer> visits = new HashMap<>();
        long accumulator = 0;
        int pc = 0;
        while (true) {
            visits.merge(pc, 1, Integer::sum);
            int base = pc * 8;
            int op = code.getShort(base) & 0xffff;
            int jt = code.get(base + 2) & 0xff;
            int jf = code.get(base + 3) & 0xff;
            long k = code.getInt(base + 4) & 0xffffffffL;
            switch (op) {
                case 0x20 -> {
                    accumulator = data.getInt((int) k) & 0xffffffffL;
                    pc++;
                }
                case 0x15 -> pc += 1 + (accumulator == k ? jt : jf);
                case 0x35 -> pc += 1 + (accumulator >= k ? jt : jf);
                case 0x45 -> pc += 1 + ((accumulator & k) != 0 ? jt : jf);
                case 0x54 -> {
                    accumulator &= k;
                    pc++;
                }
                case 0x06 -> {
                    return (int) k;
                }
                default -> throw new AssertionError("unexpected opcode " + op);
            }
        }
    }
}
