"""The load benchmark's clients (run by `python -m benchmarks.load`, which serves the app and passes the
fixture through LOAD_FIXTURE): the public browsing the lists and site pages, program staff working the triage
queue and site pages, and both asking the trivial view (/healthz) now and then, the yardstick of the run.

Every request must answer 200 exactly: a redirect (to the log-in, say) counts as an error, not a success."""

import json
import os
import random
from pathlib import Path

from locust import FastHttpUser, between, task

FIXTURE = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
TRIVIAL = "trivial view (/healthz)"


class Client(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)  # people read a page before the next
    cookie = ""

    def page(self, url: str, name: str) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{url} answered {r.status_code}")

    @task(2)
    def trivial(self) -> None:
        self.page("/healthz", TRIVIAL)


class Public(Client):
    weight = 3

    def pages(self, url: str, pages: int) -> str:
        return f"{url}?page={random.randint(1, pages)}" if random.random() < 0.3 else url

    @task(3)
    def active_sites(self) -> None:
        self.page(self.pages("/sites/", FIXTURE["pages"]["active"]), "public: /sites/")

    @task(2)
    def closed_sites(self) -> None:
        self.page(self.pages("/sites/closed/", FIXTURE["pages"]["closed"]), "public: /sites/closed/")

    @task(2)
    def reports(self) -> None:
        self.page(self.pages("/reports/", FIXTURE["pages"]["reports"]), "public: /reports/")

    @task(4)
    def site(self) -> None:
        self.page(f"/sites/{random.choice(FIXTURE['public_sites'])}/", "public: site page")


class Staff(Client):
    weight = 1

    def on_start(self) -> None:
        self.cookie = FIXTURE["staff_cookie"]

    @task(4)
    def queue(self) -> None:
        url = "/requests/"
        if random.random() < 0.3:
            url += random.choice(["?status=submitted", "?status=under_review&sort=urgency", "?flag=any"])
        self.page(url, "staff: triage queue")

    @task(4)
    def site(self) -> None:
        self.page(f"/workspace/sites/{random.choice(FIXTURE['staff_sites'])}/", "staff: site page")
