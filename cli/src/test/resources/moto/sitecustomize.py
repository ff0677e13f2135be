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

2. IAM enforcement (on when INITIAL_NO_AUTH_ACTION_COUNT is set) checks a call against the
   resource "*" for every service but S3, IAM, STS and SQS, so a statement scoped to ARNs never
   allows anything, and it never checks iam:PassRole when a stack operation passes RoleARN. AWS
   evaluates each call against the ARN of the resource it acts on (Service Authorization
   Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
   and checks iam:PassRole on the stack's service role
   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html).
   Here, for the calls our CLI makes, the ARN AWS checks is read from the request, and a stack
   operation with RoleARN also needs iam:PassRole on that role. Actions with no resource-level
   permissions stay checked against "*", as AWS does.
3. Under enforcement moto names some actions by their API operation where IAM's action differs:
   the tagging API's signing name "tagging" where IAM says "tag"
   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonresourcegrouptaggingapi.html),
   and S3 listings and batch deletes (ListObjectsV2 needs s3:ListBucket, ListObjectVersions
   s3:ListBucketVersions, DeleteObjects s3:DeleteObject:
   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
   https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html,
   https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). Here they are
   checked under IAM's names.
4. Under enforcement moto answers a denied or unsigned call with one XML body for every
   service (ErrorResponse/Errors/Error), which AWS uses for none: JSON services answer
   {"__type": "AccessDeniedException", "Message": ...}, query services
   ErrorResponse/Error, EC2 Response/Errors/Error with UnauthorizedOperation
   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html,
   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). An SDK
   cannot read moto's body, so a client sees a bare 403 instead of AccessDenied. Here the
   error is written in the service's protocol.
5. CodePipeline's ListPipelineExecutions answers startTime and lastUpdateTime as ISO-8601
   strings; CodePipeline speaks the AWS JSON 1.1 protocol, whose timestamps are epoch seconds
   (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html), and the AWS SDK refuses the
   strings ("Input timestamp string must be no longer than 20 characters"). Here they are epoch
   seconds, as AWS sends them.
"""

import json
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


# 2. and 3.: the resource ARN AWS authorizes, iam:PassRole, and IAM's action names.

_S3_ACTIONS = {
    "s3:ListObjects": "s3:ListBucket",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "s3:DeleteObjects": "s3:DeleteObject",
    "s3:HeadBucket": "s3:ListBucket",
}

_PASSES_ROLE = {"CreateStack", "UpdateStack", "CreateChangeSet", "DeleteStack"}


def _params(response):
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body.lstrip().startswith("{"):
        return json.loads(body)
    return {key: values[0] for key, values in response.querystring.items() if values}


def _name_after(value, marker):
    return value.split(marker, 1)[1] if value.startswith("arn:") else value


def _stack(response, params, prefix):
    name = params.get("StackName")
    if not name:
        return []
    if name.startswith("arn:"):
        return [name]
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[response.current_account][response.region]
    for stack in backend.stacks.values():
        if stack.name == name and stack.status != "DELETE_COMPLETE":
            return [stack.stack_id]
    return [f"{prefix}stack/{name}/00000000-0000-0000-0000-000000000000"]


def _ecs(action, params, prefix):
    cluster = _name_after(params.get("cluster", "default"), ":cluster/")
    if action in ("DescribeServices",):
        return [s if s.startswith("arn:") else f"{prefix}service/{cluster}/{s}"
                for s in params.get("services", [])]
    if action == "ListServiceDeployments":
        service = params.get("service", "")
        return [service if service.startswith("arn:") else f"{prefix}service/{cluster}/{service}"]
    if action == "DescribeServiceDeployments":
        return list(params.get("serviceDeploymentArns", []))
    if action == "DeleteTaskDefinitions":
        return [t if t.startswith("arn:") else f"{prefix}task-definition/{t}"
                for t in params.get("taskDefinitions", [])]
    return []


def _resources(response, service, action):
    """The ARNs AWS authorizes `service:action` against; [] where it uses "*"."""
    params = _params(response)
    prefix = f"arn:aws:{service}:{response.region}:{response.current_account}:"
    if service == "cloudformation":
        return _stack(response, params, prefix)
    if service == "ecs":
        return _ecs(action, params, prefix)
    if service == "secretsmanager":
        secret = params.get("SecretId") or params.get("Name")
        if not secret:
            return []
        return [secret if secret.startswith("arn:") else f"{prefix}secret:{secret}"]
    if service == "ecr" and params.get("repositoryName"):
        return [f"{prefix}repository/{params['repositoryName']}"]
    if service == "logs":
        group = params.get("logGroupName") or params.get("logGroupIdentifier")
        if not group:
            return []
        return [group if group.startswith("arn:") else f"{prefix}log-group:{group}"]
    if service == "codepipeline":
        pipeline = params.get("pipelineName") or params.get("name")
        return [f"{prefix}{pipeline}"] if pipeline else []
    if service == "codebuild":
        return sorted({f"{prefix}project/{build.split(':')[0]}" for build in params.get("ids", [])})
    if service == "ssm" and params.get("Name"):
        name = params["Name"]
        if name.startswith("arn:"):
            return [name]
        # AWS's public parameters (/aws/service/...) belong to no account: their ARN has none
        # (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html).
        account = "" if name.startswith("/aws/") else response.current_account
        return [f"arn:aws:ssm:{response.region}:{account}:parameter/{name.lstrip('/')}"]
    if service == "iam" and action == "CreateServiceLinkedRole":
        return [f"arn:aws:iam::{response.current_account}:role/aws-service-role/"
                f"{params.get('AWSServiceName', '')}/AWSServiceRole"]
    return []


try:
    from moto import settings as _settings
    from moto.core.authorization import ActionAuthenticatorMixin as _Mixin
    from moto.iam import access_control as _access_control

    from moto.core.exceptions import _RESTError
    from moto.core.utils import get_service_model
    from xml.sax.saxutils import escape as _escape

    _authorize = _Mixin._authenticate_and_authorize_normal_action

    def _in_protocol(response, error):
        protocol = get_service_model(response.boto3_service_name).protocol
        code, message = error.error_type, error.message
        if protocol in ("json", "rest-json"):
            code = "AccessDeniedException" if code == "AccessDenied" else code
            error.description = json.dumps({"__type": code, "Message": message})
        elif protocol == "ec2":
            code = "UnauthorizedOperation" if code == "AccessDenied" else code
            if code == "UnauthorizedOperation":
                message = "You are not authorized to perform this operation. " + message
            error.description = (f"<Response><Errors><Error><Code>{_escape(code)}</Code>"
                                 f"<Message>{_escape(message)}</Message></Error></Errors>"
                                 "<RequestID>moto</RequestID></Response>")
        elif protocol == "query":
            error.description = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{_escape(code)}</Code>"
                                 f"<Message>{_escape(message)}</Message></Error>"
                                 "<RequestId>moto</RequestId></ErrorResponse>")
        return error

    _request_init = _access_control.IAMRequestBase.__init__

    def _service_of(response):
        scope = response.headers.get("Authorization", "").partition("Credential=")[2]
        parts = scope.partition(",")[0].split("/")
        return parts[3] if len(parts) > 3 else ""

    def _authorize_resources(self, resource="*"):
        try:
            _authorize_resources_unwritten(self, resource)
        except _RESTError as error:
            raise _in_protocol(self, error)

    def _authorize_resources_unwritten(self, resource):
        if _Mixin.request_count < _settings.INITIAL_NO_AUTH_ACTION_COUNT or resource != "*":
            return _authorize(self, resource)
        service = "tag" if _service_of(self) == "tagging" else _service_of(self)
        action = self._get_action()
        for arn in _resources(self, service, action) or ["*"]:
            _authorize(self, arn)
        role = _params(self).get("RoleARN") if service == "cloudformation" else None
        if role and action in _PASSES_ROLE:
            request = _access_control.IAMRequest(
                account_id=self.current_account, method=self.method, path=self.raw_path,
                data=self.data, body=self.raw_body, headers=self.headers, action="PassRole")
            request._action = "iam:PassRole"
            request.check_action_permitted(role)

    def _request_init_with_iam_names(self, *args, **kwargs):
        _request_init(self, *args, **kwargs)
        if self._action.startswith("tagging:"):
            self._action = "tag:" + self._action.split(":", 1)[1]
        self._action = _S3_ACTIONS.get(self._action, self._action)

    _Mixin._authenticate_and_authorize_normal_action = _authorize_resources
    _access_control.IAMRequestBase.__init__ = _request_init_with_iam_names
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
