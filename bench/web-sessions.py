#!/usr/bin/env python3
"""50 executives moving a what-if control: each session sends a what-if, waits for the
answer, then thinks for --think seconds (a slider's debounce: 0.15 s by default) before
the next, for --seconds. Prints the latency percentiles. Usage:
  web-sessions.py --port P --sessions FILE [--seconds 20] [--think 0.15]
FILE: one line per session, "COOKIE PAYEE". Loopback only; standard library only."""
import argparse, http.client, random, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--sessions", required=True)
ap.add_argument("--seconds", type=float, default=20)
ap.add_argument("--think", type=float, default=0.15)
a = ap.parse_args()
sessions = [line.split() for line in open(a.sessions) if line.strip()]
latencies, errors, lock = [], [0], threading.Lock()
stop = time.monotonic() + a.seconds

def session(cookie, payee, seed):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
    while time.monotonic() < stop:
        path = "/payees/%s/whatif?kpi.nrr=%d&kpi.win_rate_advocate=%d" % (payee, rnd.randint(80, 130), rnd.randint(10, 50))
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": "advocomp_session=" + cookie, "Accept": "application/json"})
            r = conn.getresponse(); r.read()
            ok = r.status == 200
        except Exception:
            ok = False
            conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
        dt = time.perf_counter() - t
        with lock:
            if ok: latencies.append(dt)
            else: errors[0] += 1
        time.sleep(a.think * rnd.uniform(0.5, 1.5))

threads = [threading.Thread(target=session, args=(c, p, k)) for k, (c, p) in enumerate(sessions)]
for t in threads: t.start()
for t in threads: t.join()
latencies.sort()
def pct(p): return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000
print("sessions %d, think %.2f s, %d what-ifs in %.0f s (%.0f/s), errors %d" % (len(sessions), a.think, len(latencies), a.seconds, len(latencies) / a.seconds, errors[0]))
print("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms" % (pct(50), pct(90), pct(99), latencies[-1] * 1000))
