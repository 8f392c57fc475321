#!/usr/bin/env python3
"""Regenerates examples/recordings/ and examples/bodies/ (python3, stdlib only).

Bodies of seed 001 are copied verbatim from the seed document; the polling
sequences are made up. Peach signatures use the public test secret documented in
examples/README.md (PEACH_TEST_SECRET)."""
import hashlib, hmac, json, os, pathlib, urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent
OUT = ROOT / "recordings"
SEED = ROOT.parent.parent / "shared" / "seeds" / "001_2020593368484f7b.txt"
PEACH_SECRET = "5ee1e2a9c0ffee00d15ea5e5c0de1234"
BEARER = "Bearer example-access-token-never-reported"
T0 = "2024-11-17T05:30:"

def seed_bodies():
    # The two JSON bodies of seed 001's Examples and Error Response, verbatim.
    text = pathlib.Path(os.environ.get("SEED_001", SEED)).read_text()
    ok_start = text.index("{\n\"data\":")
    ok_end = text.index("Error Response")
    err_start = text.index("{\n\"errors\"")
    return text[ok_start:ok_end].rstrip() , text[err_start:].rstrip()

def ts(seconds):
    m, s = divmod(seconds, 60)
    return f"2024-11-17T05:{30 + m:02d}:{s:02d}.000Z"

def canonical(params):
    return "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))

def sign(message):
    return hmac.new(PEACH_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()

def flatten(prefix, value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(f"{prefix}.{k}", v, out)
    elif isinstance(value, str):
        out.append((prefix, value))
    elif value is None:
        out.append((prefix, ""))
    else:
        out.append((prefix, json.dumps(value, separators=(",", ":"))))

def sign_body(body):
    flat = []
    for k, v in body.items():
        if k != "signature":
            flatten(k, v, flat)
    body["signature"] = sign(canonical(flat))
    return body

def exchange(url, status, body=None, t=0, body_text=None, content_type="application/json;charset=UTF-8"):
    response = {"status": status, "headers": {"Content-Type": content_type}}
    if body_text is not None:
        response["bodyText"] = body_text
    else:
        response["body"] = body
    return {
        "startedAt": ts(t),
        "request": {"method": "GET", "url": url, "headers": {"Authorization": BEARER, "Content-Type": "application/json"}},
        "response": response,
    }

def post(url, status, request_body, body, t=0, headers=None):
    # A creation: a JSON POST answered with `body`.
    x = exchange(url, status, body, t, content_type="application/json")
    x["request"]["method"] = "POST"
    x["request"]["headers"].update(headers or {})
    x["request"]["body"] = request_body
    return x

def recording(spec_title, spec_version, exchanges):
    return {"format": "pyng-recording", "version": 1,
            "spec": {"title": spec_title, "version": spec_version},
            "recordedAt": "2024-11-17T05:40:00Z", "exchanges": exchanges}

TX = ("Pyng Pull Transaction Status API", "1.0.0")
SESSION = ("Pyng Get Checkout Session Status API (Draft)", "0.1.0-draft")
PEACH = ("Peach Payments Checkout Status", "1.0.0")
HOST = "https://sample.pyng.com.au"

def tx_url(pi="pi_7f3a9c2e", site="site-123"):
    return f"{HOST}/checkout/{site}/transaction-status?paymentIntentId={pi}"

def tx_body(status, **extra):
    data = {"transactionStatus": status, "orderId": "order-42"}
    data.update(extra)
    return {"data": data, "traceId": "0d7c3f5e-2b1a-4c8d-9e6f-1a2b3c4d5e6f"}

ITEMS = [{"itemId": "flat-white", "quantity": 2, "amountPerUnit": 450, "amountSubtotal": 1000,
          "amountTotal": 900, "discounts": [{"amount": 100, "reason": "Loyalty"}]},
         {"itemId": "blueberry-muffin", "quantity": 1, "amountPerUnit": 450, "amountSubtotal": 450}]

def settled(ts_ms, **kw):
    return tx_body("Settled", transactionId="b5e0c1f2-8d3a-4e7b-9c6d-2f1e0a9b8c7d",
                   transactionUpdated=ts_ms, lineItems=ITEMS, amountPaid=1350, **kw)

def in_progress(ts_ms):
    return tx_body("InProgress", transactionId="b5e0c1f2-8d3a-4e7b-9c6d-2f1e0a9b8c7d", transactionUpdated=ts_ms)

def session_url(sid="cs_01HZX7", site="site-123"):
    return f"{HOST}/checkout/{site}/session/{sid}/status"

def session_body(status, updated, outcome=None, sid="cs_01HZX7"):
    data = {"checkoutSessionId": sid, "orderId": "order-42", "siteId": "site-123", "status": status,
            "expiresAt": "2024-11-17T05:45:00Z", "updatedAt": updated}
    if outcome:
        data["outcome"] = outcome
    return {"data": data, "traceId": "7a8b9c0d-1e2f-4a5b-8c6d-7e8f9a0b1c2d"}

def peach_url(params):
    sig = sign(canonical(params))
    query = urllib.parse.urlencode(params + [("signature", sig)])
    return f"https://testsecure.peachpayments.com/status?{query}"

PEACH_PARAMS = [("authentication.entityId", "8ac7a4ca86c2c24d0168c2caab2e0025"), ("merchantTransactionId", "Test1234")]

def peach_body(status, t, final=False):
    body = {"status": status, "timestamp": ts(t)}
    if final:
        body["redirect_post_data"] = {"amount": "14.99", "checkoutId": "8ac7a4c98f2b1e0a018f2c3d4e5f6a7b",
                                      "currency": "ZAR", "merchantTransactionId": "Test1234", "paymentType": "DB",
                                      "result.code": "000.100.110", "result.description": "Request successfully processed",
                                      "timestamp": ts(t)}
    return sign_body(body)

def har(entries):
    def entry(x):
        r = x["response"]
        text = r.get("bodyText") if "bodyText" in r else json.dumps(r["body"], indent=2)
        return {"startedDateTime": x["startedAt"], "time": 120,
                "request": {"method": x["request"]["method"], "url": x["request"]["url"], "httpVersion": "HTTP/1.1",
                            "headers": [{"name": k, "value": v} for k, v in x["request"]["headers"].items()],
                            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
                "response": {"status": r["status"], "statusText": "", "httpVersion": "HTTP/1.1",
                             "headers": [{"name": k, "value": v} for k, v in r["headers"].items()], "cookies": [],
                             "content": {"size": len(text), "mimeType": r["headers"].get("Content-Type", ""), "text": text},
                             "redirectURL": "", "headersSize": -1, "bodySize": len(text)},
                "cache": {}, "timings": {"send": 0, "wait": 120, "receive": 0}}
    return {"log": {"version": "1.2", "creator": {"name": "pyng-kit examples", "version": "1"},
                    "entries": [entry(x) for x in entries]}}

def write(name, doc):
    (OUT / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

def main():
    OUT.mkdir(exist_ok=True)
    ok_text, err_text = seed_bodies()
    seed = [exchange(tx_url("pi_seed001"), 200, body_text=ok_text, t=0),
            exchange(tx_url("pi_unknown"), 404, body_text=err_text, t=5)]
    write("seed-001-examples.har", har(seed))
    # Same exchanges in the kit's format, the bodies as JSON values.
    kit = [dict(x) for x in seed]
    for x in kit:
        x["response"] = {"status": x["response"]["status"], "headers": x["response"]["headers"],
                         "body": json.loads(x["response"]["bodyText"])}
    write("seed-001-examples.json", recording(*TX, kit))
    (ROOT / "bodies" / "seed-001-transaction-status-200.json").write_text(ok_text + "\n")
    (ROOT / "bodies" / "seed-001-transaction-status-404.json").write_text(err_text + "\n")

    ms = 1731821400000
    write("pyng-transaction-clean.json", recording(*TX, [
        exchange(tx_url(), 200, tx_body("Pending"), 0),
        exchange(tx_url(), 200, in_progress(ms + 5000), 5),
        exchange(tx_url(), 200, in_progress(ms + 5000), 10),
        exchange(tx_url(), 200, settled(ms + 14000), 15)]))
    write("pyng-transaction-state-regression.json", recording(*TX, [
        exchange(tx_url(), 200, in_progress(ms), 0),
        exchange(tx_url(), 200, tx_body("Pending"), 5)]))
    write("pyng-transaction-final-state-left.json", recording(*TX, [
        exchange(tx_url(), 200, settled(ms + 4000), 0),
        exchange(tx_url(), 200, in_progress(ms + 9000), 5)]))
    write("pyng-transaction-qr-pending-timeout.json", recording(*TX, [
        exchange(tx_url(), 200, tx_body("Pending"), t) for t in (0, 30, 60, 90)]))
    write("pyng-transaction-broken-json.json", recording(*TX, [
        exchange(tx_url(), 200, body_text='{"data": {"transactionStatus": "Pending",}, "traceId": "x"}', t=0)]))
    write("pyng-session-draft-clean.json", recording(*SESSION, [
        exchange(session_url(), 200, session_body("Created", ts(0)), 0),
        exchange(session_url(), 200, session_body("Launched", ts(4)), 5),
        exchange(session_url(), 200, session_body("Pending", ts(9)), 10),
        exchange(session_url(), 200, session_body("Completed", ts(14), "Succeeded"), 15)]))
    # Creation -> poll -> final: the creation's link joins the polls of the
    # resource it created (`link.*`).
    intent = {"data": {"paymentIntentId": "pi_7f3a9c2e", "siteId": "site-123", "orderId": "order-42",
                       "qrCodeFormat": "text", "qrCode": "pyng://pay/pi_7f3a9c2e"},
              "traceId": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"}
    create_intent = post(f"{HOST}/checkout/site-123/payment-intent", 201,
                         {"amount": 2440, "orderId": "order-42", "qrCodeFormat": "text"}, intent, 0)
    write("pyng-transaction-created-clean.json", recording(*TX, [
        create_intent,
        exchange(tx_url(), 200, tx_body("Pending"), 5),
        exchange(tx_url(), 200, in_progress(ms + 9000), 10),
        exchange(tx_url(), 200, settled(ms + 14000), 15)]))
    write("pyng-transaction-created-not-initial.json", recording(*TX, [
        create_intent,
        exchange(tx_url(), 200, in_progress(ms + 4000), 5),
        exchange(tx_url(), 200, settled(ms + 9000), 10)]))
    def created_session(expires):
        data = {"checkoutSessionId": "cs_01HZX7", "launchUrl": "https://pay.pyng.com.au/cs_01HZX7",
                "status": "Created", "expiresAt": expires, "orderId": "order-42", "siteId": "site-123"}
        return post(f"{HOST}/checkout/site-123/session", 201, {"orderId": "order-42"},
                    {"data": data, "traceId": "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f"}, 0,
                    {"Idempotency-Key": "5f0c2a9e-checkout-0001"})
    session_polls = [
        exchange(session_url(), 200, session_body("Launched", ts(4)), 5),
        exchange(session_url(), 200, session_body("Pending", ts(9)), 10),
        exchange(session_url(), 200, session_body("Completed", ts(14), "Succeeded"), 15)]
    write("pyng-session-created-clean.json", recording(*SESSION,
        [created_session("2024-11-17T05:45:00Z")] + session_polls))
    write("pyng-session-created-expiry-changed.json", recording(*SESSION,
        [created_session("2024-11-17T06:00:00Z")] + session_polls))
    write("pyng-session-outcome-mismatch.json", recording(*SESSION, [
        exchange(session_url(), 200, session_body("Pending", ts(0)), 0),
        exchange(session_url(), 200, session_body("Completed", ts(4), "Failed"), 5)]))
    write("pyng-session-id-not-echoed.json", recording(*SESSION, [
        exchange(session_url("cs_01HZX7"), 200, session_body("Launched", ts(0), sid="cs_OTHER"), 0)]))
    write("peach-signed-clean.har", har([
        exchange(peach_url(PEACH_PARAMS), 200, peach_body("created", 0), 0, content_type="application/json"),
        exchange(peach_url(PEACH_PARAMS), 200, peach_body("pending", 30), 30, content_type="application/json"),
        exchange(peach_url(PEACH_PARAMS), 200, peach_body("successful", 60, final=True), 60, content_type="application/json")]))
    bad = exchange(peach_url(PEACH_PARAMS), 200, peach_body("pending", 0), 0, content_type="application/json")
    bad["request"]["url"] = bad["request"]["url"].replace("merchantTransactionId=Test1234", "merchantTransactionId=Test9999")
    write("peach-bad-signature.json", recording(*PEACH, [bad]))
    mixed = [exchange(tx_url("pi_mixed"), 200, tx_body("Pending"), 0),
             exchange("https://sample.pyng.com.au/favicon.ico", 200, body_text="", t=1, content_type="image/x-icon")]
    write("mixed-traffic.har", har(mixed))
    trunc = json.dumps(har(seed), indent=2)
    (OUT / "truncated.har").write_text(trunc[: len(trunc) * 2 // 3])
    with open(OUT / "pyng-transaction-stream.ndjson", "w") as f:
        f.write(json.dumps({"format": "pyng-recording", "version": 1, "spec": {"title": TX[0], "version": TX[1]}}) + "\n")
        for pi, t in (("pi_a", 0), ("pi_b", 2)):
            f.write(json.dumps(exchange(tx_url(pi), 200, tx_body("Pending"), t)) + "\n")
            f.write(json.dumps(exchange(tx_url(pi), 200, settled(ms + 9000 + t * 1000), t + 10)) + "\n")

if __name__ == "__main__":
    main()
