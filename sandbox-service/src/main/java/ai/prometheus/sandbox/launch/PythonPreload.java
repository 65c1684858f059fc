package ai.prometheus.sandbox.launch;

import ai.prometheus.sandbox.config.SandboxConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Which modules of {@code sandbox.python.preload} a python sandbox started now imports before it
 * is ready. In {@code used} mode: those named in the code of at least half of the last
 * {@value #WINDOW} python runs (all of them before the first run), so a service that runs tools
 * reading JSON arguments has json loaded in its warm sandboxes, while one that runs code without
 * it does not pay the import's CPU (about 10 ms) at every start. In {@code always} mode: all.
 */
public final class PythonPreload {

    /** Runs remembered per module. */
    static final int WINDOW = 32;

    /** How much of a run's code is searched for a module's name: imports come first. */
    static final int SEARCHED_BYTES = 64 * 1024;

    private final List<String> candidates;
    private final List<byte[]> names;
    private final boolean always;
    /** Per candidate: bit i set when the i-th last run's code named it. */
    private final int[] windows;

    private int observed;

    public PythonPreload(List<String> candidates, SandboxConfig.PreloadMode mode) {
        this.candidates = List.copyOf(candidates);
        // A dotted module is named in code by its first part (import xml.etree... / from xml import ...).
        this.names = candidates.stream()
                .map(name -> name.split("\\.", 2)[0].getBytes(StandardCharsets.US_ASCII))
                .toList();
        this.always = mode == SandboxConfig.PreloadMode.ALWAYS;
        this.windows = new int[candidates.size()];
    }

    /** Records which candidates a python run's {@code code} names. */
    public void observe(byte[] code) {
        if (always || candidates.isEmpty()) {
            return;
        }
        boolean[] named = new boolean[names.size()];
        for (int i = 0; i < named.length; i++) {
            named[i] = contains(code, names.get(i));
        }
        synchronized (this) {
            for (int i = 0; i < named.length; i++) {
                windows[i] = (windows[i] << 1) | (named[i] ? 1 : 0);
            }
            observed = Math.min(WINDOW, observed + 1);
        }
    }

    /** The modules a python sandbox started now imports before it is ready, in the configured order. */
    public List<String> current() {
        if (always) {
            return candidates;
        }
        List<String> chosen = new ArrayList<>(candidates.size());
        synchronized (this) {
            for (int i = 0; i < windows.length; i++) {
                if (observed == 0 || 2 * Integer.bitCount(windows[i]) >= observed) {
                    chosen.add(candidates.get(i));
                }
            }
        }
        return chosen;
    }

    /** Whether {@code name} occurs in the searched part of {@code code}. */
    static boolean contains(byte[] code, byte[] name) {
        int end = Math.min(code.length, SEARCHED_BYTES) - name.length;
        outer:
        for (int at = 0; at <= end; at++) {
            for (int i = 0; i < name.length; i++) {
                if (code[at + i] != name[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
