cwlVersion: v1.0
class: CommandLineTool
doc: Step 2 — counts the bytes of a file.
requirements:
  DockerRequirement:
    dockerPull: jobproxy-test/busybox:latest
baseCommand: [wc, -c]
inputs:
  file:
    type: File
stdin: $(inputs.file.path)
stdout: count.txt
outputs:
  count:
    type: stdout
