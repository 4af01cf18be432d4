"""Score blind sets in-process (same logic as `ask --json`): python direct.py SETDIR"""
import json, sys, collections, time
from bot.core.faq import FaqMatcher, load_examples, load_faq
from bot.core.questions import smalltalk
sets = sys.argv[1]
entries = load_faq(); m = FaqMatcher(entries, load_examples(entries))
def ask(t):
    k = smalltalk.kind_of(t)
    if k is not None: return {"outcome": "smalltalk"}
    v = m.match(smalltalk.question_inside(t))
    return {"outcome": v.outcome.value, "severity": v.severity.value if v.severity else None, "red_flag": v.red_flag, "faq": v.entry.id if v.entry else None}
rows = [json.loads(l) for l in open(f"{sets}/smalltalk.jsonl")]
c = collections.Counter()
for r in rows:
    v = ask(r["text"]); c[(r["kind"], v["outcome"])] += 1
    if r["kind"] in ("smalltalk", "number") and v["outcome"] != "smalltalk": print("  ST miss:", r["text"], "->", v["outcome"], v.get("faq"))
    if r["kind"] == "wrapped" and v["outcome"] in ("smalltalk", "escalate", "off-topic"): print("  WRAP:", r["text"], "->", v["outcome"])
print("smalltalk:", dict(c))
print("pleasantries escalated:", sum(n for (k, o), n in c.items() if k in ("smalltalk", "number") and o in ("escalate", "off-topic")),
      "of", sum(n for (k, o), n in c.items() if k in ("smalltalk", "number")))
lat = []
for name in ("negation", "urgent"):
    rows = [json.loads(l) for l in open(f"{sets}/{name}.jsonl")]
    right = 0
    for r in rows:
        t0 = time.perf_counter(); v = ask(r["text"]); lat.append(time.perf_counter() - t0)
        got = "none" if v["outcome"] != "safety" else ("urgent" if v.get("severity") == "urgent" else "flag")
        right += got == r["expect"]
        if got != r["expect"]: print(f"  {name} miss: expect {r['expect']} got {got} ({v.get('red_flag')}): {r['text']}")
    print(f"{name}: {right}/{len(rows)} right")
lat.sort(); print(f"latency p50 {lat[len(lat)//2]*1000:.1f} ms p99 {lat[int(len(lat)*.99)]*1000:.1f} ms")
