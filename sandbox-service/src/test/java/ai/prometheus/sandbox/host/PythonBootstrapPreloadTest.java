package ai.prometheus.sandbox.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The python bootstrap's preload (sandbox.python.preload), driven through the bootstrap's own
 * protocol on the host's interpreter: the modules are imported before the readiness byte, one that
 * cannot be imported does not keep the sandbox from starting, and nothing but text checked as a
 * module name reaches the bootstrap's source.
 */
class PythonBootstrapPreloadTest {

    private static final String PYTHON = "/usr/bin/python3";

    /** Starts the bootstrap, waits for its readiness byte, sends {@code code}, returns its stdout. */
    private static String run(List<String> preload, String code) throws IOException, InterruptedException {
        List<String> command = Language.PYTHON.command(PYTHON, Language.PYTHON.siteDirectories(PYTHON), preload);
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .directory(Files.createTempDirectory("preload").toFile())
                .start();
        try (InputStream out = process.getInputStream();
                OutputStream in = process.getOutputStream()) {
            assertEquals(6, out.read(), "readiness byte");
            byte[] source = code.getBytes(StandardCharsets.UTF_8);
            in.write((source.length + " 0\n").getBytes(StandardCharsets.US_ASCII));
            in.write(source);
            in.close();
            String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue());
            return stdout;
        } finally {
            process.destroyForcibly();
        }
    }

    private static final String PROBE =
            "import sys\nprint('json' in sys.modules, sorted(k for k in globals() if not k.startswith('__') and k != 'sys'))";

    @Test
    void preloadedModulesAreImportedBeforeTheCodeWhichSeesACleanMainModule() throws Exception {
        assertEquals("True []\n", run(List.of("json"), PROBE));
        assertEquals("False []\n", run(List.of(), PROBE));
    }

    @Test
    void aModuleThatCannotBeImportedIsSkipped() throws Exception {
        assertEquals("True []\n", run(List.of("no_such_module_anywhere", "json"), PROBE));
    }

    @Test
    void onlyModuleNamesReachTheBootstrapsSource() {
        assertTrue(Language.moduleName("xml.etree.ElementTree"));
        for (String hostile : List.of("os', __import__('os').system('id'), '", "json;print(1)", "", "1abc", "a..b")) {
            assertFalse(Language.moduleName(hostile), hostile);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Language.PYTHON.command(PYTHON, Optional.empty(), List.of(hostile)));
        }
    }

    @Test
    void otherLanguagesIgnoreThePreload() {
        assertEquals(
                Language.BASH.command("/bin/bash", Optional.empty(), List.of()),
                Language.BASH.command("/bin/bash", Optional.empty(), List.of("json")));
    }
}
