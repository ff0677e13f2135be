package gifmachine.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IamActionsTest {

  @ParameterizedTest
  @CsvSource({
    "CloudFormation.CreateStack, cloudformation:CreateStack",
    "ELBv2.DescribeRules, elasticloadbalancing:DescribeRules",
    "elasticloadbalancingv2.DescribeTargetHealth, elasticloadbalancing:DescribeTargetHealth",
    "Tagging.GetResources, tag:GetResources",
    "resourcegroupstaggingapi.GetResources, tag:GetResources",
    "cloudwatchlogs.FilterLogEvents, logs:FilterLogEvents",
    "S3.ListObjectsV2, s3:ListBucket",
    "S3.DeleteObjects, s3:DeleteObject",
    "S3.HeadObject, s3:GetObject",
    "S3.PutObject, s3:PutObject",
    "SecretsManager.CreateSecret, secretsmanager:CreateSecret",
  })
  void an_operation_needs_the_iam_action_of_its_service(String operation, String action) {
    assertThat(IamActions.of(operation)).isEqualTo(action);
  }

  @Test
  void a_denial_names_the_action_aws_named_when_it_names_one() {
    AwsCallException named =
        new AwsCallException(
            AwsCallException.Kind.ACCESS_DENIED,
            "ECS.DescribeServices",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecs:DescribeServices on resource: x");
    AwsCallException unnamed =
        new AwsCallException(
            AwsCallException.Kind.ACCESS_DENIED, "S3.ListObjectVersions", "Access Denied");

    assertThat(IamActions.denied(named)).isEqualTo("ecs:DescribeServices");
    assertThat(IamActions.denied(unnamed)).isEqualTo("s3:ListBucketVersions");
  }
}
