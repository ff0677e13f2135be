package gifmachine.cli.command;

import gifmachine.cli.aws.AwsSettings;
import gifmachine.cli.config.ConfigException;
import gifmachine.cli.config.ConfigResolver;
import gifmachine.cli.config.Setting;
import gifmachine.cli.config.Settings;
import gifmachine.cli.deploy.Configs;
import gifmachine.cli.deploy.StackDeployer;
import gifmachine.cli.deploy.Stacks;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Edge;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Rollout;
import java.net.URI;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every AWS command shares (a picocli mixin). Values given here win over the
 * environment, which wins over the config file, which wins over the defaults.
 */
public final class DeployOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Config file: YAML (keys as these flags) or KEY=VALUE like config/aws-config.txt. "
              + "Default: ./gifmachine-on-aws.yml or ./config/aws-config.txt when present.")
  String config = "";

  @Option(
      names = {"-e", "--environment"},
      description = "Environment name, e.g. prod (env GIFMACHINE_ENVIRONMENT).")
  String environment;

  @Option(
      names = {"-c", "--company"},
      description = "Company name, e.g. dundermiff (env GIFMACHINE_COMPANY).")
  String company;

  @Option(names = "--region", description = "AWS region (env AWS_REGION).")
  String region;

  @Option(names = "--profile", description = "Named AWS profile (env AWS_PROFILE).")
  String profile;

  @Option(
      names = "--endpoint-url",
      paramLabel = "URL",
      description =
          "AWS endpoint of an emulator such as moto or LocalStack (env AWS_ENDPOINT_URL).")
  String endpointUrl;

  @Option(
      names = "--method",
      paramLabel = "changeset|direct",
      description = "changeset (default) or direct CreateStack/UpdateStack (for emulators).")
  String method;

  @Option(
      names = "--nat-gateway",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Managed NAT gateway instead of the NAT instance (default false).")
  String natGateway;

  @Option(
      names = "--interface-endpoints",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Interface endpoints for ECR, Logs, Secrets Manager (default false).")
  String interfaceEndpoints;

  @Option(
      names = "--graviton",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "ARM64 (Graviton) tasks (default true).")
  String graviton;

  @Option(
      names = "--waf",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description =
          "AWS WAF: on the CloudFront distribution (a web ACL in us-east-1), or on the load balancer with --edge alb (default false).")
  String waf;

  @Option(
      names = "--edge",
      paramLabel = "cloudfront|alb",
      description =
          "cloudfront (default): HTTPS on https://<id>.cloudfront.net, internal load balancer; "
              + "alb: the internet-facing load balancer of old (HTTPS only with --certificate-arn).")
  String edge;

  @Option(
      names = "--domain",
      paramLabel = "NAME",
      description =
          "Own name for the CloudFront edge, e.g. gifs.example.com (needs --certificate-arn in us-east-1).")
  String domain;

  @Option(
      names = "--certificate-arn",
      paramLabel = "ARN",
      description =
          "ACM certificate: in us-east-1 for --domain on CloudFront; in the deployment's region for --edge alb.")
  String certificateArn;

  @Option(
      names = "--min-tasks",
      paramLabel = "N",
      description = "Fewest Gifmachine tasks (default 1).")
  String minTasks;

  @Option(
      names = "--max-tasks",
      paramLabel = "N",
      description = "Most Gifmachine tasks (default 4).")
  String maxTasks;

  @Option(
      names = "--db-instance-class",
      paramLabel = "CLASS",
      description = "RDS class (default db.t4g.micro).")
  String dbInstanceClass;

  @Option(
      names = "--monitoring",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Deploy Prometheus and Grafana (default true).")
  String monitoring;

  @Option(
      names = "--monitoring-spot",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Run the monitoring task on Fargate Spot (default true; false for on-demand).")
  String monitoringSpot;

  @Option(
      names = "--pipeline",
      arity = "0..1",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description = "Deploy the CodePipeline delivery pipeline (default true).")
  String pipeline;

  @Option(
      names = "--strategy",
      paramLabel = "blue-green|canary|linear",
      description =
          "How ECS moves production to a new revision: all at once after test traffic (default),"
              + " 10% for 5 min first, or 20% every 2 min. Every change of the task definition deploys this way.")
  String strategy;

  @Mixin VerboseOption verbosity = new VerboseOption();

  Map<Setting, String> flags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    put(flags, Setting.ENVIRONMENT, environment);
    put(flags, Setting.COMPANY, company);
    put(flags, Setting.REGION, region);
    put(flags, Setting.PROFILE, profile);
    put(flags, Setting.ENDPOINT_URL, endpointUrl);
    put(flags, Setting.METHOD, method);
    put(flags, Setting.NAT_GATEWAY, natGateway);
    put(flags, Setting.INTERFACE_ENDPOINTS, interfaceEndpoints);
    put(flags, Setting.GRAVITON, graviton);
    put(flags, Setting.WAF, waf);
    put(flags, Setting.CERTIFICATE_ARN, certificateArn);
    put(flags, Setting.MIN_TASKS, minTasks);
    put(flags, Setting.MAX_TASKS, maxTasks);
    put(flags, Setting.DB_INSTANCE_CLASS, dbInstanceClass);
    put(flags, Setting.MONITORING, monitoring);
    put(flags, Setting.PIPELINE, pipeline);
    put(flags, Setting.STRATEGY, strategy);
    put(flags, Setting.EDGE, edge);
    put(flags, Setting.DOMAIN, domain);
    put(flags, Setting.MONITORING_SPOT, monitoringSpot);
    return flags;
  }

  private static void put(Map<Setting, String> flags, Setting setting, String value) {
    if (value != null) {
      flags.put(setting, value);
    }
  }

  /** Flags, environment, config file and defaults, resolved and checked. */
  Resolved resolve(CliContext context) {
    Settings settings =
        new ConfigResolver(context.workingDirectory())
            .resolve(flags(), context.environment(), config);
    for (Setting required : new Setting[] {Setting.ENVIRONMENT, Setting.COMPANY, Setting.REGION}) {
      if (settings.get(required).isBlank()) {
        throw new ConfigException(
            required.key()
                + ": not set; give "
                + required.flag()
                + ", set "
                + required.environmentVariable()
                + ", or put "
                + required.legacyKey()
                + " in config/aws-config.txt");
      }
    }
    StackDeployer.Method method =
        switch (settings.get(Setting.METHOD).toLowerCase(Locale.ROOT)) {
          case "changeset" -> StackDeployer.Method.CHANGESET;
          case "direct" -> StackDeployer.Method.DIRECT;
          default ->
              throw new ConfigException(
                  "method \""
                      + settings.get(Setting.METHOD)
                      + "\" (from "
                      + settings.source(Setting.METHOD)
                      + "): must be changeset or direct");
        };
    Rollout.Strategy strategy =
        switch (settings.get(Setting.STRATEGY).toLowerCase(Locale.ROOT)) {
          case "blue-green" -> Rollout.Strategy.BLUE_GREEN;
          case "canary" -> Rollout.Strategy.CANARY;
          case "linear" -> Rollout.Strategy.LINEAR;
          default ->
              throw new ConfigException(
                  "strategy \""
                      + settings.get(Setting.STRATEGY)
                      + "\" (from "
                      + settings.source(Setting.STRATEGY)
                      + "): must be blue-green, canary or linear");
        };
    Edge edge =
        switch (settings.get(Setting.EDGE).trim().toLowerCase(Locale.ROOT)) {
          case "cloudfront" -> Edge.CLOUDFRONT;
          case "alb" -> Edge.ALB;
          default ->
              throw new ConfigException(
                  "edge \""
                      + settings.get(Setting.EDGE)
                      + "\" (from "
                      + settings.source(Setting.EDGE)
                      + "): must be cloudfront or alb");
        };
    ImageSet pending = ImageSet.of(image -> "pending");
    DeploymentConfig config =
        DeploymentConfig.builder(
                settings.get(Setting.ENVIRONMENT),
                settings.get(Setting.COMPANY),
                settings.get(Setting.REGION))
            .images(pending)
            .natGateway(settings.flag(Setting.NAT_GATEWAY))
            .interfaceEndpoints(settings.flag(Setting.INTERFACE_ENDPOINTS))
            .graviton(settings.flag(Setting.GRAVITON))
            .waf(settings.flag(Setting.WAF))
            .certificateArn(settings.get(Setting.CERTIFICATE_ARN))
            .minTasks(settings.number(Setting.MIN_TASKS, 1, DeploymentConfig.MAX_TASKS))
            .maxTasks(settings.number(Setting.MAX_TASKS, 1, DeploymentConfig.MAX_TASKS))
            .dbInstanceClass(settings.get(Setting.DB_INSTANCE_CLASS))
            .monitoring(settings.flag(Setting.MONITORING))
            .pipeline(settings.flag(Setting.PIPELINE))
            .rollout(new Rollout(strategy, Rollout.TargetGroup.BLUE))
            .edge(edge)
            .domain(settings.get(Setting.DOMAIN).trim().toLowerCase(Locale.ROOT))
            .monitoringSpot(settings.flag(Setting.MONITORING_SPOT))
            .build();
    config = Configs.withImages(config, Stacks.placeholderImages(config));
    return new Resolved(settings, config, awsSettings(settings), method);
  }

  /** Region, profile and a checked emulator endpoint: how to reach AWS, for every AWS command. */
  static AwsSettings awsSettings(Settings settings) {
    String endpoint = settings.get(Setting.ENDPOINT_URL);
    if (!endpoint.isBlank()) {
      URI uri;
      try {
        uri = URI.create(endpoint);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null
          || uri.getHost() == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new ConfigException(
            "endpoint-url \""
                + endpoint
                + "\" (from "
                + settings.source(Setting.ENDPOINT_URL)
                + "): must be an http(s) URL such as http://127.0.0.1:5000");
      }
    }
    return new AwsSettings(settings.get(Setting.REGION), settings.get(Setting.PROFILE), endpoint);
  }

  /** The outcome of {@link #resolve}. */
  record Resolved(
      Settings settings, DeploymentConfig config, AwsSettings aws, StackDeployer.Method method) {}
}
