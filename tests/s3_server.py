"""moto's S3 server on a loopback port: object storage of the test's own.

Object storage lives outside the machine in production, so a stand-in is right here; moto
speaks S3 over HTTP as AWS does (signatures, bucket policies, presigned addresses), and runs
in a process of its own like the real thing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.ports import free_port

DEADLINE = 30.0
KEY_ID = "livefeed-test-key"
SECRET = "livefeed-test-secret"
REGION = "eu-west-3"


class S3Server:
    """Started at once; :meth:`stop` ends it."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "moto.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()
        import boto3  # moto's own client library, loaded only by the runs that need it

        self.client = boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
            region_name=REGION,
        )

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + DEADLINE
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's server exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/moto-api/", timeout=1):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    log = self.log.read_text()
                    raise RuntimeError(f"moto's server did not answer:\n{log}") from None
                time.sleep(0.1)

    def bucket(self, name: str, *, public_prefix: str | None = None) -> None:
        """A new private bucket; anyone may read what is under ``public_prefix``, if given."""
        location = {"LocationConstraint": REGION}
        self.client.create_bucket(Bucket=name, CreateBucketConfiguration=location)
        if public_prefix is not None:
            statement = {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/{public_prefix}*",
            }
            policy = {"Version": "2012-10-17", "Statement": [statement]}
            self.client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))

    def keys(self, bucket: str) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def stop(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(DEADLINE)
