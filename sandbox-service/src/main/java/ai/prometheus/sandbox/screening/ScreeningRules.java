package ai.prometheus.sandbox.screening;

import java.util.List;

/**
 * The hostile patterns the screen looks for, per language. The screen is lexical and meant to
 * catch the obvious early with a clear message; containment never depends on it.
 */
final class ScreeningRules {

    private static final String SECRETS =
            "/etc/(shadow|gshadow|sudoers|master\\.passwd)|/root/|\\.ssh/|/var/run/secrets"
                    + "|/run/secrets|\\.aws/credentials|\\.kube/config|/proc/(\\d+|self|1)/(environ|mem|root)";
    private static final String CGROUP_ESCAPE = "/sys/fs/cgroup|release_agent|/proc/sysrq-trigger";

    static final List<ScreeningRule> ALL = List.of(
            ScreeningRule.of(
                    "process-bomb",
                    Severity.CRITICAL,
                    "starts processes in an unbounded loop (process bomb)",
                    "while\\s+(True|1)\\s*:[\\s\\S]{0,300}?\\b(os\\.(fork|spawn\\w*|system|popen)|subprocess\\.\\w+|Process)\\s*\\(",
                    "(while\\s*\\(\\s*(true|1)\\s*\\)|for\\s*\\(\\s*;\\s*;\\s*\\))[\\s\\S]{0,300}?\\b(fork|spawn|spawnSync|exec|execSync|Worker)\\s*\\(",
                    "(\\w+|:)\\s*\\(\\s*\\)\\s*\\{[^}]*\\1\\s*\\|\\s*\\1\\s*&|while\\s+(true|:)\\s*;\\s*do[^\\n]*&\\s*(done|;)"),
            ScreeningRule.of(
                    "network",
                    Severity.HIGH,
                    "uses the network, which the sandbox does not have",
                    "^[ \\t]*(import|from)\\s+(socket|ssl|urllib|http\\.client|requests|httpx|aiohttp|ftplib|smtplib|telnetlib|paramiko)\\b",
                    "require\\(\\s*['\"](node:)?(net|http|https|http2|dgram|dns|tls)['\"]\\s*\\)|from\\s+['\"](node:)?(net|http|https|http2|dgram|dns|tls)['\"]|\\bfetch\\s*\\(",
                    "/dev/(tcp|udp)/|(^|[;&|(`]|\\$\\()[ \\t]*(curl|wget|nc|ncat|netcat|telnet|ssh|scp|socat|dig|nslookup)\\b"),
            ScreeningRule.of(
                    "host-secrets",
                    Severity.HIGH,
                    "reads host credentials or another process's memory or environment",
                    SECRETS,
                    SECRETS,
                    SECRETS),
            ScreeningRule.of(
                    "native-code",
                    Severity.CRITICAL,
                    "loads native code or traces processes (ctypes, ptrace)",
                    "^[ \\t]*(import|from)\\s+(ctypes|cffi)\\b|\\bctypes\\.|\\bPTRACE_\\w+|\\bptrace\\b",
                    "process\\.dlopen|process\\.binding\\s*\\(|ffi-napi|\\bptrace\\b",
                    "\\b(gdb|strace|ltrace|ptrace)\\b|\\bLD_PRELOAD="),
            ScreeningRule.of(
                    "decoded-eval",
                    Severity.CRITICAL,
                    "evaluates a decoded or obfuscated payload",
                    "\\b(exec|eval|compile)\\s*\\([^\\n]*\\b(b64decode|b32decode|b85decode|a85decode|fromhex|unhexlify|decompress|codecs\\.decode)\\b|\\b(marshal|pickle)\\.loads\\s*\\(",
                    "\\b(eval|Function)\\s*\\([^\\n]*\\b(Buffer\\.from|atob|fromCharCode|unescape)\\b",
                    "base64\\s+(-d|--decode|-D)[^\\n]*\\|\\s*(ba|da|z)?sh\\b|\\beval\\s+\"?\\$\\([^\\n]*\\b(base64|xxd|openssl)\\b"),
            ScreeningRule.of(
                    "env-harvest",
                    Severity.MEDIUM,
                    "collects the whole process environment",
                    "\\b(dict|print|str|repr|list)\\s*\\(\\s*os\\.environ\\s*\\)|os\\.environ\\.(items|keys|values|copy)\\s*\\(|json\\.dumps\\s*\\(\\s*(dict\\s*\\(\\s*)?os\\.environ",
                    "JSON\\.stringify\\s*\\(\\s*process\\.env\\s*\\)|Object\\.(keys|entries|values)\\s*\\(\\s*process\\.env\\s*\\)|console\\.\\w+\\s*\\(\\s*process\\.env\\s*\\)|\\.\\.\\.process\\.env\\b",
                    "(^|[;&|]|\\$\\()[ \\t]*(env|printenv|export\\s+-p|declare\\s+-x)\\s*($|[|>;)])"),
            ScreeningRule.of(
                    "escape-attempt",
                    Severity.CRITICAL,
                    "tries to leave the sandbox (namespaces, mounts, privileges, cgroups)",
                    "\\bos\\.(unshare|setns|chroot|setuid|setgid|setresuid|setresgid)\\s*\\(|" + CGROUP_ESCAPE,
                    "process\\.(setuid|setgid|setgroups|seteuid)\\s*\\(|" + CGROUP_ESCAPE,
                    "(^|[;&|(`]|\\$\\()[ \\t]*(unshare|nsenter|chroot|mount|umount|sudo|su|setcap|capsh|insmod|modprobe)\\b|"
                            + CGROUP_ESCAPE),
            ScreeningRule.of(
                    "kill-parent",
                    Severity.HIGH,
                    "signals processes outside its own process tree",
                    "os\\.kill\\s*\\(\\s*(os\\.getppid\\s*\\(|-1\\b|1\\s*,)|os\\.killpg\\s*\\(",
                    "process\\.kill\\s*\\(\\s*(process\\.ppid|-1\\b|1\\s*,)",
                    "\\bkill\\s+(-\\w+\\s+)*(\\$PPID|-1|1)\\b"),
            ScreeningRule.of(
                    "daemonize",
                    Severity.MEDIUM,
                    "detaches a process so that it outlives the run",
                    "\\bos\\.(setsid|setpgrp|daemon)\\s*\\(",
                    "detached\\s*:\\s*true",
                    "(^|[;&|]|\\$\\()[ \\t]*(nohup|setsid|disown|daemon)\\b"));

    private ScreeningRules() {}
}
