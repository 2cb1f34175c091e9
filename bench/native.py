"""
The bare native client for `bench/gateway.ts --variants …,native`: Pulsar's own Python client
(`pulsar-client` from PyPI, its C++ core inside the wheel) speaking the binary protocol, as the
yardstick the gateway is measured against.

It runs as a long-lived helper so that no interpreter start-up lands in a timed round: it reads one
JSON command per line on stdin and answers one JSON line on stdout.

    python bench/native.py SERVICE_URL PAYLOAD_FILE

PAYLOAD_FILE holds the records to publish, each as a 4-byte big-endian length and then its bytes
(the gateway's own `translateFrame` output, written by the bench).

Commands:
    {"op": "produce", "topic": T, "batching": false}
        publishes every record with send_async (at most 1000 unconfirmed), flushes and waits for the
        last confirmation; the producer is opened on first use and kept, so the answer's "seconds"
        (first send to last confirmation) never includes opening it; "entries" counts the entries
        the topic gained (fewer than the records with batching).
    {"op": "subscribe", "topic": T, "subscription": S}
        opens a consumer on a new subscription starting at the latest message.
    {"op": "receive", "count": N}
        receives N messages on that consumer, acknowledging each; "seconds" runs from the first
        message to the last acknowledgement.
    {"op": "unsubscribe"}
        closes that consumer and removes its subscription.
"""

import json
import struct
import sys
import threading
import time

import pulsar


def read_records(path):
    with open(path, "rb") as file:
        data = file.read()
    records = []
    at = 0
    while at < len(data):
        (length,) = struct.unpack_from(">I", data, at)
        at += 4
        records.append(data[at : at + length])
        at += length
    return records


def main():
    service_url, payload_file = sys.argv[1], sys.argv[2]
    records = read_records(payload_file)
    # Warnings only: the answers share stdout with the client's log.
    client = pulsar.Client(
        service_url,
        io_threads=1,
        message_listener_threads=1,
        operation_timeout_seconds=60,
        logger=pulsar.ConsoleLogger(pulsar.LoggerLevel.Warn),
    )
    producers = {}
    consumer = None

    def produce(topic, batching):
        key = (topic, batching)
        if key not in producers:
            producers[key] = client.create_producer(
                topic,
                batching_enabled=batching,
                block_if_queue_full=True,
                max_pending_messages=1000,
            )
        producer = producers[key]
        confirmed = threading.Event()
        remaining = [len(records)]
        failures = []
        # A batch is one entry on the topic for many messages: the bench checks entries.
        entries = set()
        lock = threading.Lock()

        def on_sent(result, message_id):
            if result != pulsar.Result.Ok:
                failures.append(str(result))
            with lock:
                entries.add((message_id.ledger_id(), message_id.entry_id()))
                remaining[0] -= 1
                if remaining[0] == 0:
                    confirmed.set()

        started = time.perf_counter()
        for record in records:
            producer.send_async(record, on_sent)
        producer.flush()
        if not confirmed.wait(180):
            raise RuntimeError(f"{remaining[0]} sends never confirmed")
        seconds = time.perf_counter() - started
        if failures:
            raise RuntimeError(f"{len(failures)} sends failed, the first with {failures[0]}")
        return {"seconds": seconds, "sent": len(records), "entries": len(entries)}

    def receive(count):
        received = 0
        started = None
        while received < count:
            message = consumer.receive(timeout_millis=180_000)
            if started is None:
                started = time.perf_counter()
            consumer.acknowledge(message)
            received += 1
        return {"seconds": time.perf_counter() - started, "received": received}

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        try:
            if op == "produce":
                answer = produce(command["topic"], bool(command.get("batching", False)))
            elif op == "subscribe":
                consumer = client.subscribe(
                    command["topic"],
                    command["subscription"],
                    initial_position=pulsar.InitialPosition.Latest,
                    receiver_queue_size=1000,
                )
                answer = {"subscribed": True}
            elif op == "receive":
                answer = receive(int(command["count"]))
            elif op == "unsubscribe":
                consumer.unsubscribe()
                consumer.close()
                consumer = None
                answer = {"unsubscribed": True}
            else:
                answer = {"error": f"unknown op {op}"}
        except Exception as error:  # the bench prints it and stops
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
    for producer in producers.values():
        producer.close()
    client.close()


if __name__ == "__main__":
    main()
