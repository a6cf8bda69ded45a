cwlVersion: v1.0
class: CommandLineTool
doc: Step 1 — upper-cases a text file.
requirements:
  DockerRequirement:
    dockerPull: jobproxy-test/busybox:latest
baseCommand: [tr, a-z, A-Z]
inputs:
  text:
    type: File
stdin: $(inputs.text.path)
stdout: upper.txt
outputs:
  upper:
    type: stdout
