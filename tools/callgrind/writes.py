"""Instructions per write operation, server only (callgrind): 200 five-line till receipts
(2 tech maps of 3 ingredients, as `cargo bench --bench selling`), 3 thousand-line invoices of
new products and 100 five-line invoices (as `cargo bench --bench stock`), each created and wired.
Steadier than throughput on a shared machine (±1% against ±15%), for comparing two builds.

usage: python3 tools/callgrind/writes.py BINARY OUTDIR [--demo-empty]
  (--demo-empty for builds that have it; older ones' --demo is already empty)
needs valgrind and the requests package."""
import os, random, re, subprocess, sys, time, requests, shutil

binary, out = sys.argv[1], sys.argv[2]
label = os.path.basename(out.rstrip("/"))
extra = sys.argv[3:]
shutil.rmtree(out, ignore_errors=True); os.makedirs(out)
db = f"{out}/db.sqlite"
port = random.randint(20000, 40000)
env = dict(os.environ, CAFFESTA_RATE_LIMIT="1000000", RUST_LOG="warn")
log = open(f"{out}/stdout", "w")
p = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/cg.%p",
                      binary, "--database", db, "serve", "--demo", *extra, "--listen", f"127.0.0.1:{port}"],
                     stdout=log, stderr=subprocess.DEVNULL, env=env)
key = None
for _ in range(600):
    time.sleep(0.5)
    m = re.search(r"API key for it: (\S+)", open(f"{out}/stdout").read())
    if m:
        key = m.group(1)
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5); break
        except Exception:
            pass
base = f"http://127.0.0.1:{port}/a/v1.0"
s = requests.Session(); s.headers["X-API-KEY"] = key
def send(method, path, body=None, sess=s):
    r = sess.request(method, base + path, json=body, timeout=120)
    assert r.status_code < 300, (path, r.status_code, r.text[:300])
    return r.json()
term = subprocess.run([binary, "--database", db, "key", "create", "--account", "demo", "--scope", "terminal", "--shop", "1"],
                      capture_output=True, text=True).stdout.strip().split()[-1]
till = requests.Session(); till.headers["X-API-KEY"] = term
products = []
for n in range(1, 12):
    measure, kind, cancel = ("kg", "product", 1) if n <= 2 else ("l", "product", 1) if n <= 4 else ("pcs", "tech_map", 2) if n in (7, 8) else ("pcs", "product", 1)
    products.append({"ref_code": f"p{n}", "name": f"Товар {n}", "measure": measure, "type": kind, "cancellation_type": cancel})
items = [{"amount": 100000, "product_code": f"p{n}", "cost": "250000"} for n in [1, 2, 3, 4, 5, 6, 9, 10, 11]]
iid = send("POST", "/storage/invoices", {"storage": {"caf_id": 1}, "products": products, "items": items})["data"]["id"]
send("PUT", f"/storage/invoices/{iid}", {"action": "wire"})
ids = [send("GET", f"/product/by_ref_code/{c}")["data"]["id"] for c in ["p7", "p8", "p9", "p10", "p11"]]
for m, ing in [(ids[0], ["p1", "p3", "p5"]), (ids[1], ["p2", "p4", "p6"])]:
    send("PUT", f"/product/{m}/tech_map", {"output": 1, "items": [{"product_code": c, "amount": "0.015"} for c in ing]})
send("POST", "/pos/shifts/open", {}, sess=till)
receipt = {"type": "sale", "lines": [{"product_id": i, "count": 1, "price": "3.50", "total_sum": "3.50"} for i in ids],
           "payments": [{"payment_id": 2, "value": "17.50"}]}
def big(prefix, storage=1):
    prods = [{"ref_code": f"{prefix}{n}", "name": f"Товар {prefix}{n}", "measure": "kg" if n % 3 == 0 else "pcs", "caf_tax_id": 2,
              "category_ref_code": "c1", "prices": [{"caf_shop_id": 1, "caf_storage_id": storage, "price": "3.50"}]} for n in range(1000)]
    its = [{"amount": 1 + n % 17, "product_code": f"{prefix}{n}", "price": "1.25", "caf_tax_id": 2} for n in range(1000)]
    return {"number": prefix, "date": "2026-11-01 10:00", "storage": {"caf_id": storage},
            "categories": [{"ref_code": "c1", "name": "Бакалея"}], "products": prods, "items": its}
def small(n):
    its = [{"amount": 1 + k, "product_code": f"big0-{(n * 5 + k) % 1000}", "cost": f"{2 + k}.{n % 100:02d}"} for k in range(5)]
    return {"number": f"small{n}", "storage": {"caf_id": 2}, "items": its}
def post_wire(body):
    i = send("POST", "/storage/invoices", body)["data"]["id"]
    send("PUT", f"/storage/invoices/{i}", {"action": "wire"})
dumps = 0
def measure(name, count, fn):
    global dumps
    subprocess.run(["callgrind_control", "-z", str(p.pid)], capture_output=True)
    subprocess.run(["callgrind_control", "-i", "on", str(p.pid)], capture_output=True)
    for k in range(count):
        fn(k)
    subprocess.run(["callgrind_control", "-i", "off", str(p.pid)], capture_output=True)
    subprocess.run(["callgrind_control", "-d", name, str(p.pid)], capture_output=True)
    dumps += 1
    time.sleep(1)
    f = f"{out}/cg.{p.pid}.{dumps}"
    total = int(re.search(r"^totals: (\d+)", open(f).read(), re.M).group(1))
    print(f"{label} {name}: {total // count:,} instructions each ({count})", flush=True)
for k in range(30):
    send("POST", "/pos/receipts", receipt, sess=till)
measure("receipt", 200, lambda k: send("POST", "/pos/receipts", receipt, sess=till))
post_wire(big("big0-"))
measure("invoice1000", 3, lambda k: post_wire(big(f"big{k + 1}-")))
for k in range(20):
    post_wire(small(k))
measure("invoice5", 100, lambda k: post_wire(small(k + 20)))
p.kill()
