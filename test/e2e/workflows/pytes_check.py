"""py-tes against a JobProxy server: files (content, file:// in and out), volumes, every view,
paging with a tag filter, and cancel. Usage: pytes_check.py URL HOST_DIR TASK_ROOT IMAGE
HOST_DIR is a host directory inside the server's allowed roots (file:// URLs point there);
TASK_ROOT is where the task's own paths go (HOST_DIR on the host, /data in containers).
Prints one line per check and exits non-zero at the first that fails."""
import os
import sys
import time

import tes

url, host_dir, task_root, image = sys.argv[1:5]
client = tes.HTTPClient(url, timeout=30)


def check(condition, what):
    if not condition:
        sys.exit(f"FAILED: {what}")
    print(f"ok: {what}")


def wait(task_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        task = client.get_task(task_id, view="MINIMAL")
        if task.state in ("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"):
            return task
        time.sleep(0.5)
    sys.exit(f"FAILED: task {task_id} did not finish in {timeout} s")


info = client.get_service_info()
artifact = info.type["artifact"] if isinstance(info.type, dict) else info.type.artifact
check(artifact == "tes", f"service-info names TES ({info.name} {info.version})")

source = os.path.join(host_dir, "source.txt")
with open(source, "w") as stream:
    stream.write("from a file\n")
results = os.path.join(host_dir, "results")
task = tes.Task(
    name="pytes-files",
    tags={"suite": "pytes"},
    inputs=[
        tes.Input(path=f"{task_root}/in/content.txt", content="from content\n"),
        tes.Input(path=f"{task_root}/in/source.txt", url="file://" + source),
    ],
    outputs=[tes.Output(path=f"{task_root}/out/both.txt", url=f"file://{results}/both.txt")],
    volumes=[f"{task_root}/scratch"],
    executors=[
        tes.Executor(
            image=image,
            command=["/bin/sh", "-c",
                     f"cat {task_root}/in/content.txt {task_root}/in/source.txt "
                     f"> {task_root}/scratch/both.txt && echo scratch-ok"],
        ),
        tes.Executor(
            image=image,
            command=["/bin/sh", "-c",
                     f"mkdir -p {task_root}/out && cp {task_root}/scratch/both.txt {task_root}/out/"],
        ),
    ],
)
task_id = client.create_task(task)
check(bool(task_id), f"create answered an id ({task_id})")
def completed(task_id):
    """True when COMPLETE; else prints the task's state and logs, for the failure message."""
    state = wait(task_id).state
    if state != "COMPLETE":
        print(f"task {task_id}: {client.get_task(task_id, view='FULL').as_json()}")
    return state == "COMPLETE"


check(completed(task_id), "the two-executor task completed")
full = client.get_task(task_id, view="FULL")
stdout = full.logs[0].logs[0].stdout
check("scratch-ok" in stdout, "FULL shows the first executor's stdout")
check(len(full.logs[0].logs) == 2, "FULL has one executor log per executor")
check(full.logs[0].outputs[0].url == f"file://{results}/both.txt", "FULL lists the output file")
with open(os.path.join(results, "both.txt")) as stream:
    check(stream.read() == "from content\nfrom a file\n", "the output holds both inputs")
basic = client.get_task(task_id, view="BASIC")
check(basic.logs[0].logs[0].stdout is None, "BASIC leaves out stdout")
check(basic.inputs[0].content is None, "BASIC leaves out input content")
minimal = client.get_task(task_id, view="MINIMAL")
check(minimal.name is None and minimal.state == "COMPLETE", "MINIMAL has id and state only")

tag = f"page-{os.getpid()}"
ids = [client.create_task(tes.Task(tags={"page": tag},
                                   executors=[tes.Executor(image=image, command=["true"])]))
       for _ in range(3)]
seen, token, pages = [], None, 0
while True:
    page = client.list_tasks(view="MINIMAL", page_size=2, page_token=token,
                             tag_key=["page"], tag_value=[tag])
    seen += [t.id for t in page.tasks]
    pages += 1
    token = page.next_page_token
    if not token:
        break
check(sorted(seen) == sorted(ids) and pages == 2, "paging (page_size 2) lists 3 tagged tasks once, in 2 pages")
for listed_id in ids:
    wait(listed_id)

slow = client.create_task(tes.Task(executors=[tes.Executor(image=image, command=["sleep", "60"])]))
time.sleep(1)
client.cancel_task(slow)
check(wait(slow, timeout=60).state == "CANCELED", "a running task cancels to CANCELED")
print("pytes: all checks passed")
