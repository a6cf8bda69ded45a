cwlVersion: v1.0
class: Workflow
doc: Two steps through cwl-tes — upper-case a file, then count its bytes.
inputs:
  text: File
outputs:
  upper:
    type: File
    outputSource: upper/upper
  count:
    type: File
    outputSource: count/count
steps:
  upper:
    run: upper.cwl
    in:
      text: text
    out: [upper]
  count:
    run: count.cwl
    in:
      file: upper/upper
    out: [count]
