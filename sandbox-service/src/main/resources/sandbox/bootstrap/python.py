# Sandbox bootstrap (trusted, runs before any submitted code): announce readiness with one ACK
# byte, read "<length> <variables>\n", that many NUL-terminated NAME=VALUE environment variables
# (the run's secrets) and <length> bytes of code from stdin without buffering (the rest of stdin
# belongs to the code), then run the code as the __main__ module, as `python3 -c` would.
#
# The interpreter starts with -S (no site module) and the site-packages directories as arguments
# (the service asked the interpreter for them once): site's start-up work, a tenth of the
# interpreter's, is done here only as far as it costs nothing. The directories go on sys.path, as
# site would put them; the builtins site adds (exit, quit, help, copyright, credits, license) are
# set; the directories' .pth files are read only when an import finds nothing elsewhere. The
# bootstrap itself uses posix, not os: without site nothing has imported os yet, and a program that
# does not import it (print(1)) does not pay for loading it.
#
# The service puts `_PRELOAD = (...)` before this text: modules imported before readiness is
# announced (sandbox.python.preload, default json), so that in a warm sandbox their import is
# done before the code arrives. A tool reads its arguments as JSON from stdin, and importing json
# (it loads re, enum, functools and collections) is most of a trivial tool's run.
def _sandbox_main(preload):
    import builtins, posix, sys, _sitebuiltins

    directories = sys.argv[1:]
    sys.path.extend(directory for directory in directories if directory not in sys.path)
    eof = "Ctrl-D (i.e. EOF)"
    builtins.exit = _sitebuiltins.Quitter("exit", eof)
    builtins.quit = _sitebuiltins.Quitter("quit", eof)
    builtins.help = _sitebuiltins._Helper()

    class Printer(_sitebuiltins._Printer):
        """site's printer, set up when first shown: setting it up imports os."""

        def __init__(self, name, data):
            self.__arguments = (name, data)

        def __repr__(self):
            super().__init__(*self.__arguments)
            return super().__repr__()

        def __call__(self):
            super().__init__(*self.__arguments)
            return super().__call__()

    builtins.copyright = Printer("copyright", sys.copyright)
    builtins.credits = Printer("credits", "See https://www.python.org/about/credits/")
    builtins.license = Printer("license", "See https://www.python.org/psf/license/")

    class LateSite:
        """Reads the .pth files of the site directories at the first import not found elsewhere."""

        @staticmethod
        def find_spec(name, path=None, target=None):
            if path is not None or LateSite not in sys.meta_path:
                return None
            sys.meta_path.remove(LateSite)
            import site
            from importlib.machinery import PathFinder

            for directory in directories:
                site.addsitedir(directory)
            return PathFinder.find_spec(name, None, target)

    sys.meta_path.append(LateSite)
    for name in preload:
        try:
            __import__(name)
        except Exception:
            # A module that cannot be imported here is the code's to meet, if it imports it.
            pass
    posix.write(1, b"\x06")
    header = b""
    while not header.endswith(b"\n"):
        chunk = posix.read(0, 1)
        if not chunk:
            posix._exit(0)
        header += chunk
    fields = header.split()
    remaining = int(fields[0])
    for _ in range(int(fields[1]) if len(fields) > 1 else 0):
        entry = b""
        while True:
            byte = posix.read(0, 1)
            if not byte or byte == b"\0":
                break
            entry += byte
        name, _, value = entry.partition(b"=")
        if "os" in sys.modules:
            sys.modules["os"].environb[name] = value
        else:
            # os builds os.environ from posix.environ when the program imports it.
            posix.putenv(name, value)
            posix.environ[name] = value
    code = bytearray()
    while remaining > 0:
        chunk = posix.read(0, remaining)
        if not chunk:
            break
        code += chunk
        remaining -= len(chunk)
    # The bootstrap's own frames: the module's and this function's.
    hidden = {sys._getframe(1).f_code, sys._getframe(0).f_code}

    def hook(kind, value, tb):
        # Hide the bootstrap's frames, so a traceback starts at the submitted code.
        while tb is not None and tb.tb_frame.f_code in hidden:
            tb = tb.tb_next
        sys.__excepthook__(kind, value.with_traceback(tb) if value is not None else value, tb)

    sys.excepthook = hook
    sys.argv = ["-c"]
    namespace = globals()
    del namespace["_sandbox_main"], namespace["_PRELOAD"]
    # exec compiles the source itself; the builtin compile() would first build all of the ast
    # module's types (about 0.6 ms, a tenth of the interpreter's start-up).
    exec(bytes(code), namespace)


_sandbox_main(_PRELOAD)
