#!/usr/bin/env python3
"""Writes infra's handler-permissions.json: for each CloudFormation resource type our templates
use, the IAM actions its resource handlers need (create, read, update, delete, list), taken from
AWS's published resource type schemas (their `handlers` sections).

AWS publishes the schemas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/
resource-type-schemas.html; `handlers` is described in https://docs.aws.amazon.com/
cloudformation-cli/latest/userguide/resource-type-schema.html). This machine cannot download
them, so the script reads two public copies, in this order, from local git checkouts:
  1. stackql/stackql-registry-docs: one page per type with a "Permissions" section per handler;
  2. localstack/localstack: schema files for the types it emulates (`*.schema.json`).
Types in neither come from MANUAL below, each with the API reference page it was read from.
Actions that are not IAM actions (some schemas list S3 REST verbs) are dropped: parliament's
database of IAM actions decides.

Usage: extract-handler-permissions.py STACKQL_CHECKOUT LOCALSTACK_CHECKOUT TYPE... \
         > infra/src/main/resources/gifmachine/infra/iam/handler-permissions.json
Run it again when a template starts using a new type (ExecutionRoleCoverageTest names it).
"""
import json
import re
import subprocess
import sys

from parliament import UnknownActionException, UnknownPrefixException, expand_action

MANUAL = {
    "AWS::ECS::Cluster": {
        "docs": "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Operations.html",
        "handlers": {
            "create": ["ecs:CreateCluster", "ecs:DescribeClusters", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "iam:CreateServiceLinkedRole"],
            "read": ["ecs:DescribeClusters"],
            "update": ["ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:PutClusterCapacityProviders", "ecs:TagResource", "ecs:UntagResource"],
            "delete": ["ecs:DeleteCluster", "ecs:DescribeClusters"],
            "list": ["ecs:ListClusters"]}},
    "AWS::ECS::ClusterCapacityProviderAssociations": {
        "docs": "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html",
        "handlers": {
            "create": ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders"],
            "read": ["ecs:DescribeClusters"],
            "update": ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders"],
            "delete": ["ecs:DescribeClusters", "ecs:PutClusterCapacityProviders"],
            "list": ["ecs:DescribeClusters", "ecs:ListClusters"]}},
    "AWS::CodeBuild::Project": {
        "docs": "https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-permissions-reference.html",
        "handlers": {
            "create": ["codebuild:CreateProject", "codebuild:BatchGetProjects", "iam:PassRole"],
            "read": ["codebuild:BatchGetProjects"],
            "update": ["codebuild:UpdateProject", "codebuild:BatchGetProjects", "iam:PassRole"],
            "delete": ["codebuild:DeleteProject", "codebuild:BatchGetProjects"],
            "list": ["codebuild:ListProjects"]}},
    "AWS::ServiceDiscovery::PrivateDnsNamespace": {
        "docs": "https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html",
        "handlers": {
            "create": ["servicediscovery:CreatePrivateDnsNamespace", "servicediscovery:GetOperation", "servicediscovery:GetNamespace", "servicediscovery:TagResource", "ec2:DescribeVpcs", "route53:CreateHostedZone", "route53:GetHostedZone", "route53:ChangeTagsForResource"],
            "read": ["servicediscovery:GetNamespace", "servicediscovery:ListTagsForResource"],
            "update": ["servicediscovery:UpdatePrivateDnsNamespace", "servicediscovery:GetOperation", "servicediscovery:GetNamespace", "servicediscovery:TagResource", "servicediscovery:UntagResource", "route53:GetHostedZone", "route53:UpdateHostedZoneComment"],
            "delete": ["servicediscovery:DeleteNamespace", "servicediscovery:GetOperation", "route53:DeleteHostedZone"],
            "list": ["servicediscovery:ListNamespaces"]}},
    "AWS::ServiceDiscovery::Service": {
        "docs": "https://docs.aws.amazon.com/cloud-map/latest/dg/cloud-map-api-permissions-ref.html",
        "handlers": {
            "create": ["servicediscovery:CreateService", "servicediscovery:GetService", "servicediscovery:TagResource", "route53:GetHealthCheck", "route53:CreateHealthCheck", "route53:ChangeResourceRecordSets"],
            "read": ["servicediscovery:GetService", "servicediscovery:ListTagsForResource"],
            "update": ["servicediscovery:UpdateService", "servicediscovery:GetService", "servicediscovery:TagResource", "servicediscovery:UntagResource"],
            "delete": ["servicediscovery:DeleteService", "servicediscovery:GetService"],
            "list": ["servicediscovery:ListServices"]}},
    "AWS::WAFv2::WebACLAssociation": {
        "docs": "https://docs.aws.amazon.com/waf/latest/developerguide/security_iam_service-with-iam.html",
        "handlers": {
            "create": ["wafv2:AssociateWebACL", "wafv2:GetWebACLForResource", "elasticloadbalancing:SetWebACL"],
            "read": ["wafv2:GetWebACLForResource"],
            "update": ["wafv2:AssociateWebACL", "wafv2:GetWebACLForResource", "elasticloadbalancing:SetWebACL"],
            "delete": ["wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource", "elasticloadbalancing:SetWebACL"]}},
    "AWS::CloudFront::VpcOrigin": {
        "docs": "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html",
        "handlers": {
            "create": ["cloudfront:CreateVpcOrigin", "cloudfront:GetVpcOrigin", "cloudfront:TagResource", "ec2:DescribeInstances", "ec2:DescribeInternetGateways", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeRegions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners", "iam:CreateServiceLinkedRole"],
            "read": ["cloudfront:GetVpcOrigin"],
            "update": ["cloudfront:UpdateVpcOrigin", "cloudfront:GetVpcOrigin", "cloudfront:TagResource", "cloudfront:UntagResource", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"],
            "delete": ["cloudfront:DeleteVpcOrigin", "cloudfront:GetVpcOrigin"],
            "list": ["cloudfront:ListVpcOrigins"]}},
    "AWS::IAM::Policy": {
        "docs": "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html",
        "handlers": {
            "create": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy"],
            "read": ["iam:GetRolePolicy"],
            "update": ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
            "delete": ["iam:DeleteRolePolicy", "iam:GetRolePolicy"]}},
    "AWS::CodeDeploy::DeploymentGroup": {
        "docs": "https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html",
        "handlers": {
            "create": ["codedeploy:CreateDeploymentGroup", "codedeploy:GetDeploymentGroup", "iam:PassRole"],
            "read": ["codedeploy:GetDeploymentGroup"],
            "update": ["codedeploy:UpdateDeploymentGroup", "codedeploy:GetDeploymentGroup", "iam:PassRole"],
            "delete": ["codedeploy:DeleteDeploymentGroup"],
            "list": ["codedeploy:ListDeploymentGroups"]}},
}


def snake(name):
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def git(checkout, *args):
    return subprocess.run(["git", "-C", checkout, *args], check=True, capture_output=True,
                          text=True).stdout


def from_stackql(checkout, commit, type_name, pages):
    _, service, resource = type_name.split("::")
    folder = f"docs/aws-docs/providers/aws/{service.lower()}/"
    singular = snake(resource)
    candidates = []
    for path in pages:
        resource_folder = path[len(folder):].split("/")[0] if path.startswith(folder) else ""
        if resource_folder and not resource_folder.endswith(("_tags", "_list_only")):
            text = git(checkout, "show", f"{commit}:{path}")
            if "## Permissions" in text:
                candidates.append((path, text, text.split("## Fields")[0]))
    # The page's own one-line summary names the resource; a description may name others.
    matches = [c for c in candidates
               if re.search(rf"gets an? <code>{singular}</code> resource", c[2])] or \
              [c for c in candidates if f"<code>{type_name}</code>" in c[2]]
    if not matches:
        return None
    path, text, _ = matches[0]
    section = text.split("## Permissions", 1)[1]
    handlers = {h.lower(): [a.strip().rstrip(",") for a in body.split("\n") if a.strip()]
                for h, body in re.findall(r"### (\w+)\n```json\n(.*?)```", section, re.S)}
    return {"source": f"stackql-registry-docs@{commit[:12]}:{path}", "handlers": handlers}


def from_localstack(checkout, commit, type_name, files):
    for path in files:
        schema = json.loads(git(checkout, "show", f"{commit}:{path}"))
        if schema.get("typeName") == type_name and schema.get("handlers"):
            return {"source": f"localstack@{commit[:12]}:{path}",
                    "handlers": {h: v.get("permissions", [])
                                 for h, v in schema["handlers"].items()}}
    return None


def known_action(action):
    try:
        return bool(expand_action(action))
    except (UnknownActionException, UnknownPrefixException):
        return False


READ_ONLY_WILDCARD = re.compile(r"^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*\*$")


def allowed(action):
    """An IAM action, or a schema's read-only wildcard such as `ec2:Describe*`; nothing wider."""
    return ":" in action and known_action(action) and (
        "*" not in action or READ_ONLY_WILDCARD.match(action) is not None)


def canonical(action):
    """IAM service prefixes are lower case; a few schemas write `S3:GetBucketWebsite`."""
    prefix, _, name = action.partition(":")
    return f"{prefix.lower()}:{name}" if name else action


def clean(handlers):
    handlers = {h: [canonical(a) for a in actions] for h, actions in handlers.items()}
    dropped = {a for actions in handlers.values() for a in actions if not allowed(a)}
    if any("*" in a and known_action(a) for a in dropped):
        raise SystemExit(f"a schema asks for a wildcard wider than read-only: {sorted(dropped)}")
    return {h: sorted({a for a in actions if allowed(a)}) for h, actions in sorted(handlers.items())}


def main():
    stackql, localstack, *types = sys.argv[1:]
    sq_commit = git(stackql, "rev-parse", "HEAD").strip()
    ls_commit = git(localstack, "rev-parse", "HEAD").strip()
    pages = [p for p in git(stackql, "ls-tree", "-r", "--name-only", sq_commit,
                            "docs/aws-docs/providers/aws/").split("\n") if p.endswith("index.md")]
    files = [p for p in git(localstack, "ls-tree", "-r", "--name-only", ls_commit).split("\n")
             if p.endswith(".schema.json")]
    out = {
        "about": "IAM actions of CloudFormation resource handlers, from AWS's resource type "
                 "schemas; written by scripts/extract-handler-permissions.py",
        "docs": "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
                "resource-type-schemas.html",
        "sources": {
            "stackql-registry-docs": sq_commit + " " + git(stackql, "log", "-1", "--format=%cs").strip(),
            "localstack": ls_commit + " " + git(localstack, "log", "-1", "--format=%cs").strip(),
        },
        "types": {},
    }
    for type_name in sorted(set(types)):
        entry = (from_stackql(stackql, sq_commit, type_name, pages)
                 or from_localstack(localstack, ls_commit, type_name, files))
        if entry is None and type_name in MANUAL:
            entry = {"source": MANUAL[type_name]["docs"], "handlers": MANUAL[type_name]["handlers"]}
        if entry is None:
            raise SystemExit(f"no source for {type_name}: add it to MANUAL with its API reference")
        entry["handlers"] = clean(entry["handlers"])
        out["types"][type_name] = entry
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
