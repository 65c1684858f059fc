package ai.prometheus.sandbox.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.config.SandboxConfig.PreloadMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which preload modules a python sandbox started now imports, from what recent runs' code named. */
class PythonPreloadTest {

    private static byte[] code(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void beforeAnyRunEveryModuleIsPreloaded() {
        assertEquals(
                List.of("json", "xml.etree"),
                new PythonPreload(List.of("json", "xml.etree"), PreloadMode.USED).current());
    }

    @Test
    void aModuleIsPreloadedWhileAtLeastHalfOfTheRecentRunsNameIt() {
        PythonPreload preload = new PythonPreload(List.of("json", "xml.etree"), PreloadMode.USED);
        preload.observe(code("import json, sys\nprint(json.dumps(json.load(sys.stdin)))"));
        preload.observe(code("print(1)"));
        assertEquals(List.of("json"), preload.current(), "json in 1 of 2 runs, xml in none");
        preload.observe(code("print(2)"));
        assertEquals(List.of(), preload.current(), "json in 1 of 3");
        preload.observe(code("from xml.etree import ElementTree\nimport json"));
        assertEquals(List.of("json"), preload.current(), "json in 2 of 4, xml in 1 of 4");
        preload.observe(code("import xml.etree.ElementTree as ET"));
        preload.observe(code("import xml"));
        assertEquals(List.of("xml.etree"), preload.current(), "json in 2 of 6, xml in 3 of 6");
    }

    @Test
    void onlyTheLastRunsCount() {
        PythonPreload preload = new PythonPreload(List.of("json"), PreloadMode.USED);
        for (int i = 0; i < 100; i++) {
            preload.observe(code("import json"));
        }
        for (int i = 0; i < PythonPreload.WINDOW / 2; i++) {
            preload.observe(code("print(1)"));
        }
        assertEquals(List.of("json"), preload.current(), "half of the window still names it");
        preload.observe(code("print(1)"));
        assertEquals(List.of(), preload.current(), "the older runs are forgotten");
    }

    @Test
    void alwaysModePreloadsEverythingWhateverTheRuns() {
        PythonPreload preload = new PythonPreload(List.of("json"), PreloadMode.ALWAYS);
        for (int i = 0; i < PythonPreload.WINDOW; i++) {
            preload.observe(code("print(1)"));
        }
        assertEquals(List.of("json"), preload.current());
    }

    @Test
    void onlyTheStartOfLongCodeIsSearched() {
        byte[] name = code("json");
        assertTrue(PythonPreload.contains(code("x = 1\nimport json"), name));
        assertFalse(PythonPreload.contains(code("jso"), name));
        byte[] late = code(" ".repeat(PythonPreload.SEARCHED_BYTES) + "import json");
        assertFalse(PythonPreload.contains(late, name));
    }
}
