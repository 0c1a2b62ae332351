#!/usr/bin/env python3
"""Import loops between the files and folders of a crate, from its `crate::` paths.

Usage: tools/import_cycles.py crates/core/src   (prints cycles; exit 1 if there is one)
"""
import glob
import re
import sys

root = sys.argv[1].rstrip("/") + "/"
files = {}
for f in glob.glob(root + "**/*.rs", recursive=True):
    files[f[len(root):-3].replace("/mod", "")] = open(f).read()

# `pub use a::b;` / `use x::{a as b}` re-exports at the crate root: old flat names.
alias = {}
lib = files.get("lib", "")
for m in re.finditer(r"pub use ([a-z_]+)::\{([^}]*)\};", lib):
    for name in m.group(2).split(","):
        name = name.strip()
        if name:
            alias[name] = m.group(1) + "/" + name
for m in re.finditer(r"pub use ([a-z_]+)::([a-z_]+);", lib):
    alias[m.group(2)] = m.group(1) + "/" + m.group(2)
for m in re.finditer(r"pub use ([a-z_]+) as ([a-z_]+);", lib):
    alias[m.group(2)] = m.group(1)
for m in re.finditer(r"use kit::\{([^}]*)\};", lib):
    for name in m.group(1).split(","):
        parts = name.strip().split(" as ")
        if parts[0]:
            alias[parts[-1]] = "kit/" + parts[0]


def target(a, b):
    p = alias.get(a, a)
    if p + "/" + b in files:
        return p + "/" + b
    return p if p in files else None


edges = {}
for n, s in files.items():
    deps = set()
    for a, b in re.findall(r"crate::([a-z_]+)(?:::([a-z_]+))?", s):
        t = target(a, b)
        if t and t != n:
            deps.add(t)
    edges[n] = deps


def sccs(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in graph:
        if v not in index:
            visit(v)
    return [sorted(c) for c in out if len(c) > 1]


folders = {}
for n, d in edges.items():
    f = n.split("/")[0]
    folders.setdefault(f, set()).update(x.split("/")[0] for x in d if x.split("/")[0] != f)
bad = False
for kind, graph in [("files", edges), ("folders", folders)]:
    cycles = sccs(graph)
    print(f"{kind}: {len(graph)}, cycles: {cycles or 'none'}")
    bad |= bool(cycles)
sys.exit(1 if bad else 0)
