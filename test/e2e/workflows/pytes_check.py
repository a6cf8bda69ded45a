"""py-tes against a JobProxy server: files (content, file:// in and out) with a volume, every
view, paging with a tag filter, and cancel. Usage: pytes_check.py URL HOST_DIR TASK_ROOT IMAGE
HOST_DIR is a host directory inside the server's allowed roots (file:// URLs point there);
TASK_ROOT is where the task's own paths go (HOST_DIR/task on the host, /data in containers).
Each section runs even when another failed; prints one line per check, exits 1 if any failed."""
import os
import sys
import time

import tes

url, host_dir, task_root, image = sys.argv[1:5]
client = tes.HTTPClient(url, timeout=30)
failures = []


class SectionFailed(Exception):
    pass


def check(condition, what):
    print(f"{'ok' if condition else 'FAILED'}: {what}")
    if not condition:
        failures.append(what)
        raise SectionFailed(what)


def wait(task_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        task = client.get_task(task_id, view="MINIMAL")
        if task.state in ("COMPLETE", "EXECUTOR_ERROR", "SYSTEM_ERROR", "CANCELED"):
            return task.state
        time.sleep(0.5)
    check(False, f"task {task_id} finished within {timeout} s")


def completed(task_id):
    """True when COMPLETE; else prints the task (FULL), for the failure message."""
    state = wait(task_id)
    if state != "COMPLETE":
        print(f"task {task_id}: {client.get_task(task_id, view='FULL').as_json()}")
    return state == "COMPLETE"


def section_service_info():
    info = client.get_service_info()
    artifact = info.type["artifact"] if isinstance(info.type, dict) else info.type.artifact
    check(artifact == "tes", f"service-info names TES ({info.name} {info.version})")


def section_files_and_volumes():
    source = os.path.join(host_dir, "source.txt")
    with open(source, "w") as stream:
        stream.write("from a file\n")
    results = os.path.join(host_dir, "results")
    script = (f"cat {task_root}/in/content.txt {task_root}/in/source.txt "
              f"> {task_root}/scratch/both.txt && echo scratch-ok")
    task_id = client.create_task(tes.Task(
        name="pytes-files",
        inputs=[
            tes.Input(path=f"{task_root}/in/content.txt", content="from content\n"),
            tes.Input(path=f"{task_root}/in/source.txt", url="file://" + source),
        ],
        outputs=[tes.Output(path=f"{task_root}/out/both.txt", url=f"file://{results}/both.txt")],
        volumes=[f"{task_root}/scratch"],
        executors=[
            tes.Executor(image=image, command=["/bin/sh", "-c", script]),
            tes.Executor(image=image, command=[
                "cp", f"{task_root}/scratch/both.txt", f"{task_root}/out/both.txt"]),
        ],
    ))
    check(completed(task_id), "a task writing a volume and an output completed")
    full = client.get_task(task_id, view="FULL")
    check(len(full.logs[0].logs) == 2, "FULL has one executor log per executor")
    check(full.logs[0].outputs[0].url == f"file://{results}/both.txt", "FULL lists the output")
    with open(os.path.join(results, "both.txt")) as stream:
        check(stream.read() == "from content\nfrom a file\n", "the output holds both inputs")


def section_views():
    task_id = client.create_task(tes.Task(
        name="pytes-views",
        inputs=[tes.Input(path=f"{task_root}/views/in.txt", content="shown\n")],
        executors=[tes.Executor(image=image, command=["cat", f"{task_root}/views/in.txt"])],
    ))
    check(completed(task_id), "a task reading a content input completed")
    full = client.get_task(task_id, view="FULL")
    check(full.logs[0].logs[0].stdout == "shown\n", "FULL shows the executor's stdout")
    check(full.inputs[0].content == "shown\n", "FULL shows the input's content")
    basic = client.get_task(task_id, view="BASIC")
    check(basic.name == "pytes-views" and basic.logs[0].logs[0].stdout is None,
          "BASIC has the name, not stdout")
    check(basic.inputs[0].content is None, "BASIC leaves out input content")
    minimal = client.get_task(task_id, view="MINIMAL")
    check(minimal.name is None and minimal.state == "COMPLETE", "MINIMAL has id and state only")


def section_paging():
    # py-tes's list_tasks has no tag filter: page through every task, 2 a page.
    ids = [client.create_task(tes.Task(name="pytes-page", executors=[
        tes.Executor(image=image, command=["true"])])) for _ in range(3)]
    seen, token, pages = [], None, 0
    while pages < 1000:
        page = client.list_tasks(view="MINIMAL", page_size=2, page_token=token)
        check(len(page.tasks) <= 2, f"page {pages + 1} holds at most 2 tasks")
        seen += [t.id for t in page.tasks]
        pages += 1
        token = page.next_page_token
        if not token:
            break
    check(all(seen.count(i) == 1 for i in ids) and len(seen) == len(set(seen)) and pages >= 2,
          f"paging (page_size 2) lists every task once, in {pages} pages")
    for task_id in ids:
        wait(task_id)


def section_cancel():
    task_id = client.create_task(tes.Task(executors=[
        tes.Executor(image=image, command=["sleep", "60"])]))
    time.sleep(1)
    client.cancel_task(task_id)
    check(wait(task_id, timeout=60) == "CANCELED", "a running task cancels to CANCELED")


for section in (section_service_info, section_files_and_volumes, section_views, section_paging,
                section_cancel):
    try:
        section()
    except SectionFailed:
        pass
    except Exception as error:  # a client error fails its section, not the others
        failures.append(f"{section.__name__}: {error!r}")
        print(f"FAILED: {section.__name__}: {error!r}")
if failures:
    sys.exit(f"pytes: {len(failures)} check(s) failed: {failures}")
print("pytes: all checks passed")
