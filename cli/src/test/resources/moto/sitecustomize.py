"""Corrections to moto, loaded into the moto_server process only (MotoServer puts this
directory on its PYTHONPATH). Each one fixes a way moto differs from AWS that would make our
tests wrong; none makes moto more lenient.

1. A deleted stack's outputs are read from resources that no longer exist. moto resolves a
   stack's outputs lazily; after DeleteStack, DescribeStacks on the stack's ID resolves them then,
   and a `Ref` to a deleted resource makes moto's ResourceMap create that resource again (an S3
   bucket named after the deleted stack reappears, tagged with our deployment, and `down`
   rightly reports it as left behind). AWS keeps a deleted stack's description as it was. Here
   the outputs are resolved before the resources are deleted, so the description keeps them
   and nothing is created again.
2. CodePipeline's ListPipelineExecutions answers startTime and lastUpdateTime as ISO-8601
   strings; CodePipeline speaks the AWS JSON 1.1 protocol, whose timestamps are epoch seconds
   (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html), and the AWS SDK refuses the
   strings ("Input timestamp string must be no longer than 20 characters"). Here they are epoch
   seconds, as AWS sends them.
"""

import os
import sys

try:
    from moto.cloudformation import models as _cloudformation

    _delete = _cloudformation.Stack.delete
    _exports = _cloudformation.Stack.exports

    def _delete_with_outputs_resolved(self):
        for key in list(self.output_map):
            self.output_map[key]  # OutputMap caches each output once resolved
        self._exports_when_deleted = _exports.fget(self)  # exports are resolved on every read
        _delete(self)

    def _exports_as_deleted(self):
        if hasattr(self, "_exports_when_deleted"):
            return self._exports_when_deleted
        return _exports.fget(self)

    _cloudformation.Stack.delete = _delete_with_outputs_resolved
    _cloudformation.Stack.exports = property(_exports_as_deleted)
except Exception as error:  # a moto that changed shape must not run uncorrected
    print(f"moto corrections could not be applied: {error!r}", file=sys.stderr)
    os._exit(70)

try:
    from moto.codepipeline import models as _codepipeline
    from moto.core.utils import unix_time as _unix_time

    _summary = _codepipeline.PipelineExecution.to_summary_dict

    def _summary_with_epoch_times(self):
        summary = _summary(self)
        summary["startTime"] = _unix_time(self.start_time)
        summary["lastUpdateTime"] = _unix_time(self.last_update_time)
        return summary

    _codepipeline.PipelineExecution.to_summary_dict = _summary_with_epoch_times
except Exception as error:  # a moto that changed shape must not run uncorrected
    print(f"moto corrections could not be applied: {error!r}", file=sys.stderr)
    os._exit(70)
