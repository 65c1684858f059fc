package ai.prometheus.sandbox.screening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.prometheus.sandbox.host.Language;
import ai.prometheus.shared.sandbox.ExecutionResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetyScreenTest {

    private static SafetyScreen screen(
            ScreeningConfig.Mode mode, Severity denyAt, Map<String, ScreeningConfig.RuleAction> rules) {
        return new SafetyScreen(new ScreeningConfig() {
            @Override
            public Mode mode() {
                return mode;
            }

            @Override
            public Severity denyAt() {
                return denyAt;
            }

            @Override
            public Map<String, RuleAction> rules() {
                return rules;
            }
        });
    }

    private static final SafetyScreen ENFORCING = screen(ScreeningConfig.Mode.ENFORCE, Severity.HIGH, Map.of());

    private static List<String> rules(Language language, String code) {
        return ENFORCING.screen(language, code).findings().stream()
                .map(ExecutionResult.Finding::rule)
                .toList();
    }

    @Test
    void hostilePatternsAreFoundPerLanguage() {
        assertEquals(List.of("process-bomb"), rules(Language.PYTHON, "import os\nwhile True:\n    os.fork()"));
        assertEquals(List.of("process-bomb"), rules(Language.BASH, ":(){ :|:& };:"));
        assertEquals(
                List.of("process-bomb"),
                rules(Language.NODE, "const cp = require('child_process');\nwhile (true) { cp.spawn('node'); }"));
        assertEquals(List.of("network"), rules(Language.PYTHON, "import socket\ns = socket.socket()"));
        assertEquals(List.of("network"), rules(Language.NODE, "const net = require('net');"));
        assertEquals(List.of("network"), rules(Language.BASH, "curl https://example.com"));
        assertEquals(List.of("host-secrets"), rules(Language.PYTHON, "print(open('/etc/shadow').read())"));
        assertEquals(List.of("native-code"), rules(Language.PYTHON, "import ctypes\nctypes.CDLL(None)"));
        assertEquals(
                List.of("decoded-eval"),
                rules(Language.PYTHON, "import base64\nexec(base64.b64decode('cHJpbnQoMSk='))"));
        assertEquals(List.of("decoded-eval"), rules(Language.NODE, "eval(Buffer.from(p, 'base64').toString())"));
        assertEquals(List.of("decoded-eval"), rules(Language.BASH, "echo ZWNobyBoaQ== | base64 -d | sh"));
        assertEquals(
                List.of("env-harvest"), rules(Language.PYTHON, "import os, json\nprint(json.dumps(dict(os.environ)))"));
        assertEquals(List.of("env-harvest"), rules(Language.NODE, "console.log(JSON.stringify(process.env))"));
        assertEquals(List.of("env-harvest"), rules(Language.BASH, "env | sort"));
        assertEquals(List.of("escape-attempt"), rules(Language.BASH, "unshare -r bash"));
        assertEquals(List.of("kill-parent"), rules(Language.PYTHON, "import os\nos.kill(os.getppid(), 9)"));
        assertEquals(List.of("daemonize"), rules(Language.BASH, "nohup sleep 100 &"));
    }

    @Test
    void ordinaryToolCodeIsAllowed() {
        ExecutionResult.Screening python = ENFORCING.screen(Language.PYTHON, """
                import json, sys, os
                args = json.load(sys.stdin)
                home = os.environ.get('HOME')
                print(json.dumps({"sum": sum(args["values"]), "home": home}))
                """);
        assertEquals("ALLOW", python.verdict());
        assertTrue(python.findings().isEmpty());
        assertEquals(
                "ALLOW",
                ENFORCING
                        .screen(
                                Language.NODE,
                                "const args = JSON.parse(require('fs').readFileSync(0, 'utf8'));\nconsole.log(args.a + args.b);")
                        .verdict());
        assertEquals(
                "ALLOW",
                ENFORCING
                        .screen(Language.BASH, "read -r line\necho \"amount: ${line}\"\nsummary=1")
                        .verdict());
    }

    @Test
    void thePolicyDecidesBetweenDenyAndWarn() {
        String network = "import socket";
        String environment = "import os\nprint(os.environ.copy())";
        assertEquals("DENY", ENFORCING.screen(Language.PYTHON, network).verdict());
        // Medium severity is below the default threshold: reported, not refused.
        assertEquals("WARN", ENFORCING.screen(Language.PYTHON, environment).verdict());
        assertEquals(
                "DENY",
                screen(ScreeningConfig.Mode.ENFORCE, Severity.MEDIUM, Map.of())
                        .screen(Language.PYTHON, environment)
                        .verdict());
        assertEquals(
                "WARN",
                screen(ScreeningConfig.Mode.WARN, Severity.LOW, Map.of())
                        .screen(Language.PYTHON, network)
                        .verdict());
        assertEquals(
                "WARN",
                screen(ScreeningConfig.Mode.ENFORCE, Severity.HIGH, Map.of("network", ScreeningConfig.RuleAction.WARN))
                        .screen(Language.PYTHON, network)
                        .verdict());
        assertEquals(
                "ALLOW",
                screen(ScreeningConfig.Mode.ENFORCE, Severity.HIGH, Map.of("network", ScreeningConfig.RuleAction.OFF))
                        .screen(Language.PYTHON, network)
                        .verdict());
        assertEquals(
                "DENY",
                screen(ScreeningConfig.Mode.WARN, Severity.HIGH, Map.of("env-harvest", ScreeningConfig.RuleAction.DENY))
                        .screen(Language.PYTHON, environment)
                        .verdict());
        assertNull(screen(ScreeningConfig.Mode.OFF, Severity.HIGH, Map.of()).screen(Language.PYTHON, network));
    }

    @Test
    void findingsCarryTheLineWhereThePatternStarts() {
        ExecutionResult.Screening screening = ENFORCING.screen(Language.PYTHON, "x = 1\n\nimport ctypes\n");
        assertEquals(3, screening.findings().get(0).line());
        assertEquals("critical", screening.findings().get(0).severity());
    }
}
