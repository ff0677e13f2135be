package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeploymentConfigTest {

  @ParameterizedTest(name = "{0}/{1}/{2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      Prod        | dundermiff | eu-west-1 | environment "Prod": must start with a lowercase letter
      prod        | dunder_miff| eu-west-1 | company "dunder_miff": must start with a lowercase letter
      1prod       | dundermiff | eu-west-1 | environment "1prod": must start
      prod-       | dundermiff | eu-west-1 | environment "prod-": must start
      prod        | dunder--m  | eu-west-1 | company "dunder--m": must start
      prod        | ''         | eu-west-1 | company "": must start
      prod        | dundermiff | eu-west   | region "eu-west": not an AWS region name
      prod        | dundermiff | EU-WEST-1 | region "EU-WEST-1": not an AWS region name
      prod        | dundermiffdundermiffdundermiffdundermiff | eu-west-1 | environment and company "prod-dundermiffdundermiffdundermiffdundermiff": together at most 40 characters, got 45
      """)
  void invalid_names_are_refused_saying_what_and_why(
      String environment, String company, String region, String message) {
    assertThatThrownBy(
            () ->
                DeploymentConfig.builder(environment, company, region)
                    .images(Deployments.IMAGES)
                    .build())
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest(name = "{0}..{1}")
  @CsvSource({"0, 4", "3, 2", "1, 21"})
  void task_counts_outside_one_to_twenty_are_refused(int min, int max) {
    assertThatThrownBy(() -> Deployments.defaultsBuilder().minTasks(min).maxTasks(max).build())
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining("need 1 <= min <= max <= 20");
  }

  @Test
  void a_malformed_certificate_account_or_instance_class_is_refused() {
    assertThatThrownBy(
            () -> Deployments.defaultsBuilder().certificateArn("arn:aws:iam::1:x").build())
        .hasMessageStartingWith("certificate \"arn:aws:iam::1:x\": not an ACM certificate ARN");
    assertThatThrownBy(() -> Deployments.defaultsBuilder().account("12345").build())
        .hasMessage("account \"12345\": must be 12 digits");
    assertThatThrownBy(() -> Deployments.defaultsBuilder().dbInstanceClass("t4g.micro").build())
        .hasMessageStartingWith("database instance class \"t4g.micro\": not an RDS class");
  }

  @Test
  void valid_names_give_stack_names_tags_and_the_secret_name() {
    DeploymentConfig config =
        DeploymentConfig.builder("qa-2", "acme-corp", "ap-southeast-2")
            .images(Deployments.IMAGES)
            .build();
    assertThat(config.stackName(StackPart.DATABASE)).isEqualTo("qa-2-acme-corp-db");
    assertThat(config.apiPasswordSecretName()).isEqualTo("qa-2-acme-corp/gifmachine/api-password");
    assertThat(config.tags())
        .containsEntry("Environment", "qa-2")
        .containsEntry("Company", "acme-corp")
        .containsEntry("Service", "gifmachine-on-aws")
        .containsEntry(DeploymentConfig.DEPLOYMENT_TAG, "qa-2-acme-corp");
    assertThat(config.cdepotUrl())
        .isEqualTo("http://cdepot.qa-2-acme-corp.gifmachine.internal:8002");
    assertThat(config.certificate()).isEmpty();
  }
}
