#!/usr/bin/env python3
"""The house rules of ARCHITECTURE.md that a compiler does not check, checked on include/idn.

  tools/check-house.py            check; exit 1 and name every violation
  tools/check-house.py --update   rewrite the ratchet baseline (tools/house-baseline.txt)

Hard rules (no exceptions):
  layering   a module includes only the modules its row of ARCHITECTURE.md allows; offload
             includes only the standard library and std-only core headers; nobody includes a
             sibling module's detail/.
  copies     no run of DUP_RUN significant lines (comments, blank lines, braces, includes and
             access labels dropped; whitespace ignored) appears twice in include/idn. A small stand-in
             for the `duplicates` tool, which is not a Debian package and so cannot run in CI; it
             catches copied code, not same-shape code with other names.
  mirror     every public module header include/idn/<module>/<name>.hpp (outside detail/) has
             its test tests/<module>/test_<name>.cpp, or test_<name>_<part>.cpp files when the
             header holds more than one algorithm (offload/hil.hpp: test_hil_f, test_hil_n).
Ratchets (the baseline lists today's debt per header; a header may only get better, and new
headers start clean). Every count is 0 today, so each ratchet now works as a hard rule:
  index      a public type or alias named `index` (it collides with POSIX index())
  long       a function body over 80 lines without "long:" in the comment above it
  undoc      a public declaration (namespace-scope type, alias, enum, function, or public member
             function outside detail/) without a /// comment right above it
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include" / "idn"
BASELINE = ROOT / "tools" / "house-baseline.txt"

FOUNDATION = {"core", "dnn", "hw", "sim"}
ALLOWED = {
    "core": {"core"},
    "dnn": {"core", "dnn"},
    "hw": {"core", "dnn", "hw"},
    "sim": {"core", "dnn", "hw", "sim"},
    "io": {"core", "io"},
    "alloc": FOUNDATION | {"alloc"},
    "partition": FOUNDATION | {"partition"},
    "path": FOUNDATION | {"path"},
    "serve": FOUNDATION | {"serve", "partition"},
    "mdi": FOUNDATION | {"mdi", "partition"},
    "offload": {"offload", "core"},  # core: std-only headers only (checked below)
    "mpi": {"core", "alloc", "mpi"},  # the optional MPI component of alloc
}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
LONG_LIMIT = 80
DUP_RUN = 7


def module_of(path):
    rel = path.relative_to(INCLUDE).parts
    return rel[0] if len(rel) > 1 else None  # umbrella headers (idn/*.hpp) have no module


def includes(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        m = INCLUDE_RE.match(line)
        if m:
            yield m.group(1), m.group(2)


def std_only_core():
    """Core headers that include nothing but the standard library and other std-only core headers."""
    core = {p.name: p for p in (INCLUDE / "core").glob("*.hpp")}
    verdict = {}

    def std_only(name, seen=()):
        if name in verdict:
            return verdict[name]
        ok = True
        for kind, inc in includes(core[name]):
            if kind == "<":
                ok = ok and "/" not in inc and not inc.startswith(("Eigen", "boost", "xtensor"))
            elif inc.startswith("idn/core/") and inc[9:] in core and inc[9:] not in seen:
                ok = ok and std_only(inc[9:], seen + (name,))
            else:
                ok = False
        verdict[name] = ok
        return ok

    return {n for n in core if std_only(n)}


def check_layering(headers):
    problems = []
    std_core = std_only_core()
    for h in headers:
        mod = module_of(h)
        if mod is None:
            continue
        for kind, inc in includes(h):
            if kind != '"' or not inc.startswith("idn/"):
                if mod == "offload" and kind == "<" and ("/" in inc or inc.startswith(("Eigen", "boost"))):
                    problems.append(f"layering: {h.relative_to(ROOT)} includes <{inc}>: offload is standard-library only")
                continue
            parts = inc.split("/")
            if len(parts) < 3:
                problems.append(f"layering: {h.relative_to(ROOT)} includes the umbrella {inc}")
                continue
            target = parts[1]
            if target not in ALLOWED.get(mod, {mod}):
                problems.append(f"layering: {h.relative_to(ROOT)} ({mod}) includes {inc} ({target} is not below {mod})")
            if target != mod and "detail" in parts[2:-1]:
                problems.append(f"layering: {h.relative_to(ROOT)} reaches into another module's detail: {inc}")
            if mod == "offload" and target == "core" and parts[-1] not in std_core:
                problems.append(f"layering: {h.relative_to(ROOT)} includes {inc}, which is not std-only")
    return problems


def check_mirror(headers):
    """The public module headers without a test file named after them."""
    problems = []
    for h in headers:
        rel = h.relative_to(INCLUDE)
        if len(rel.parts) < 2 or "detail" in rel.parts:
            continue  # umbrella headers and detail/ are tested through the headers that use them
        tests = ROOT / "tests" / rel.parent
        stem = rel.stem
        if not (tests / f"test_{stem}.cpp").exists() and not any(tests.glob(f"test_{stem}_*.cpp")):
            problems.append(f"mirror: include/idn/{rel} has no tests/{rel.parent}/test_{stem}.cpp (or test_{stem}_<part>.cpp)")
    return problems


def check_copies(headers):
    """Runs of DUP_RUN significant lines that occur more than once across the headers."""
    trivial = {"}", "};", "{", "public:", "private:", "protected:", "namespace detail {", "}  // namespace detail"}
    first_seen, problems, reported = {}, [], set()
    for h in headers:
        rel = str(h.relative_to(ROOT))
        sig = []
        for i, line in enumerate(h.read_text(encoding="utf-8").splitlines()):
            s = " ".join(re.sub(r"//.*", "", line).split())
            if s and s not in trivial and not s.startswith(("#include", "#pragma")):
                sig.append((i + 1, s))
        for k in range(len(sig) - DUP_RUN + 1):
            key = tuple(s for _, s in sig[k:k + DUP_RUN])
            here = (rel, sig[k][0])
            there = first_seen.setdefault(key, here)
            if there != here and (there[0], rel) not in reported:
                reported.add((there[0], rel))
                problems.append(f"copies: {rel}:{here[1]} repeats {there[0]}:{there[1]} ({DUP_RUN}+ lines; factor it out)")
    return problems


def strip_comments_and_strings(text):
    """Blank out // and /* */ comments and string/char literals, keeping line structure."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator (200'000), not a literal
            out.append(c)
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * max(0, min(j, n) - i - 1) + (c if j < n and text[j] == c else ""))
            i = j + 1 if j < n and text[j] == c else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


DECL_START = re.compile(r"^\s*(template\s*<.*>\s*)?(inline\s+|constexpr\s+|static\s+|explicit\s+|virtual\s+|friend\s+|\[\[nodiscard\]\]\s+)*")
CONTROL = ("if", "for", "while", "switch", "catch", "do", "else", "return", "case", "default")


def scope_is_public(scope):
    """Whether declarations directly in `scope` are public: at namespace scope, or in the public
    section of a class that is itself reachable (not nested in a private section)."""
    return scope[0] == "namespace" or (scope[0] == "class" and scope[1] == "public" and scope[2])


def scan(path):
    """Yields (kind, name, first_line, last_line, documented, in_detail, is_public) for the
    declarations of one header, by a brace-depth walk over comment-free text."""
    raw = path.read_text(encoding="utf-8").splitlines()
    code = strip_comments_and_strings("\n".join(raw)).splitlines()
    stack = []  # scopes: ("namespace", name) | ("class", access, reachable) | ("function", start) | ("block", None)
    pending = ""  # text of a declaration that is still open (no { or ; yet)
    pending_line = 0
    results = []

    def documented(line_no):  # line_no is 1-based: raw[line_no - 2] is the line above
        j = line_no - 2
        while j >= 0 and (raw[j].strip().startswith("template") or raw[j].strip().startswith("requires") or raw[j].strip() == ""):
            if raw[j].strip() == "":
                return False
            j -= 1
        return j >= 0 and raw[j].strip().startswith(("///", "//!", "/**", "*", "*/")) or (j >= 0 and "///<" in raw[j])

    def long_reason(line_no):
        j = line_no - 2
        while j >= 0 and (raw[j].strip().startswith(("template", "requires", "///", "//"))):
            if "long:" in raw[j]:
                return True
            j -= 1
        return False

    for ln, line in enumerate(code):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        for ch_index, ch in enumerate(line):
            if ch == "{":
                head = (pending + " " + line[:ch_index]).strip()
                start_line = pending_line if pending.strip() else ln
                in_detail = any(s[0] == "namespace" and s[1] and "detail" in s[1] for s in stack)
                scope = stack[-1] if stack else ("namespace", "")
                at_decl_scope = scope[0] in ("namespace", "class")
                public = scope_is_public(scope)
                m_ns = re.match(r"^namespace\s*([\w:]*)", head)
                m_cls = re.match(r"^(template\s*<.*>\s*)?(struct|class|union)\s+(\w+)", head)
                m_enum = re.match(r"^enum\s+(class\s+|struct\s+)?(\w+)", head)
                if m_ns:
                    stack.append(("namespace", m_ns.group(1)))
                elif m_cls and at_decl_scope and "(" not in head.split(m_cls.group(3))[0]:
                    if public and not in_detail:
                        results.append(("type", m_cls.group(3), start_line + 1, start_line + 1, documented(start_line + 1), in_detail))
                    # a type nested in a private section is not public, and neither are its members
                    stack.append(("class", "private" if m_cls.group(2) == "class" else "public", public))
                elif m_enum and at_decl_scope:
                    if public and not in_detail:
                        results.append(("type", m_enum.group(2), start_line + 1, start_line + 1, documented(start_line + 1), in_detail))
                    stack.append(("block", None))
                elif at_decl_scope and "(" in head and not head.split("(")[0].strip().endswith(CONTROL) and "=" not in head.split("(")[0] \
                        and not head.startswith(("return", "using")) and re.search(r"\w\s*\(", head):
                    name = re.findall(r"(~?\w+|operator\S+)\s*\(", head)
                    name = name[0] if name else "?"
                    stack.append(("function", (start_line, name, public and not in_detail, documented(start_line + 1))))
                else:
                    stack.append(("block", None))
                pending = ""
            elif ch == "}":
                if stack:
                    kind, data = stack.pop()[:2]
                    if kind == "function":
                        start_line, name, is_public, doc = data
                        results.append(("function", name, start_line + 1, ln + 1, doc, not is_public, long_reason(start_line + 1)))
                pending = ""
            elif ch == ";":
                head = (pending + " " + line[:ch_index]).strip()
                scope = stack[-1] if stack else ("namespace", "")
                in_detail = any(s[0] == "namespace" and s[1] and "detail" in s[1] for s in stack)
                public = scope_is_public(scope)
                m_using = re.match(r"^(template\s*<.*>\s*)?using\s+(\w+)\s*=", head)
                if m_using and public and not in_detail and scope[0] in ("namespace", "class"):
                    start_line = pending_line if pending.strip() else ln
                    results.append(("alias", m_using.group(2), start_line + 1, start_line + 1, documented(start_line + 1), in_detail))
                pending = ""
        # access specifiers
        m_acc = re.match(r"^\s*(public|private|protected)\s*:", line)
        if m_acc and stack and stack[-1][0] == "class":
            stack[-1] = ("class", m_acc.group(1), stack[-1][2])
        # carry an unfinished declaration over to the next line
        tail = line.rsplit("{", 1)[-1].rsplit("}", 1)[-1].rsplit(";", 1)[-1]
        if tail.strip() and not tail.strip().startswith(("public:", "private:", "protected:")):
            if not pending.strip():
                pending_line = ln
            pending += " " + tail
    return results


def ratchet_counts(headers):
    """Per header, the ratchet counts and their messages; and the number of public declarations."""
    counts = {}
    details = {}
    public_decls = 0
    for h in headers:
        rel = str(h.relative_to(ROOT))
        c = {"index": 0, "long": 0, "undoc": 0}
        d = {"index": [], "long": [], "undoc": []}
        for item in scan(h):
            kind, name, first, last = item[0], item[1], item[2], item[3]
            if kind in ("type", "alias") and name == "index":
                c["index"] += 1
                d["index"].append(f"{rel}:{first}: public name 'index'")
            if kind == "function" and last - first + 1 > LONG_LIMIT and not item[6]:
                c["long"] += 1
                d["long"].append(f"{rel}:{first}: {name}() is {last - first + 1} lines (limit {LONG_LIMIT}; say why with 'long:' in its comment)")
            public = (kind in ("type", "alias")) or (kind == "function" and not item[5])
            in_detail_dir = "detail" in h.relative_to(INCLUDE).parts
            public_decls += public and not in_detail_dir
            if public and not item[4] and not in_detail_dir:
                c["undoc"] += 1
                d["undoc"].append(f"{rel}:{first}: {name} has no /// comment")
        counts[rel] = c
        details[rel] = d
    return counts, details, public_decls


def read_baseline():
    base = {}
    if BASELINE.exists():
        for line in BASELINE.read_text().splitlines():
            if line.startswith("#") or not line.strip():
                continue
            rel, kind, n = line.split()
            base.setdefault(rel, {})[kind] = int(n)
    return base


def main():
    headers = sorted(INCLUDE.rglob("*.hpp"))
    problems = check_layering(headers)
    problems += check_mirror(headers)
    problems += check_copies(headers)
    counts, details, public_decls = ratchet_counts(headers)
    if "--update" in sys.argv:
        lines = ["# tools/check-house.py ratchet: today's debt per header (index names, long functions, undocumented",
                 "# public declarations). A header may only get better; regenerate with --update after paying debt."]
        for rel in sorted(counts):
            for kind in ("index", "long", "undoc"):
                if counts[rel][kind]:
                    lines.append(f"{rel} {kind} {counts[rel][kind]}")
        BASELINE.write_text("\n".join(lines) + "\n")
        print(f"wrote {BASELINE.relative_to(ROOT)}")
    base = read_baseline()
    totals = {"index": 0, "long": 0, "undoc": 0}
    for rel, c in counts.items():
        for kind, n in c.items():
            totals[kind] += n
            allowed = base.get(rel, {}).get(kind, 0)
            if n > allowed:
                problems.append(f"{kind}: {rel} has {n} (baseline {allowed}):\n    " + "\n    ".join(details[rel][kind]))
    print(f"check-house: {len(headers)} headers; layering clean: {not any(p.startswith('layering') for p in problems)}; "
          f"every module header has its test: {not any(p.startswith('mirror') for p in problems)}; "
          f"no copied runs of {DUP_RUN} lines: {not any(p.startswith('copies') for p in problems)}; "
          f"ratchet totals: index {totals['index']}, long functions {totals['long']}, undocumented {totals['undoc']} of {public_decls} public declarations")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
