package gifmachine.infra.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.infra.StackPart;
import gifmachine.infra.SynthesizedApp;
import gifmachine.infra.SynthesizedStack;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices synthesized templates with a {@link PriceTable}: reads every billable resource (instances,
 * NAT, load balancers, Fargate services at their desired count, RDS, secrets, EFS, logs, interface
 * endpoints, WAF, public IPv4 addresses) and returns a monthly estimate per resource. {@link
 * #earlierProject(String)} prices the earlier shell/CloudFormation project's resource list (its
 * README) with the same table, for comparison.
 *
 * <pre>{@code
 * CostReport report = new CostEstimator(PriceTable.bundled()).estimate(app, "eu-west-1");
 * System.out.print(report.renderText());
 * }</pre>
 */
public final class CostEstimator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PriceTable prices;

  public CostEstimator(PriceTable prices) {
    this.prices = prices;
  }

  /** The estimate for a synthesized deployment; Fargate services are counted at desired count. */
  public CostReport estimate(SynthesizedApp app, String region) {
    Pricing pricing = new Pricing(region);
    Map<String, Integer> logGroups = new TreeMap<>();
    for (SynthesizedStack stack : app.stacks()) {
      JsonNode resources = parse(stack).path("Resources");
      resources
          .properties()
          .forEach(
              entry -> {
                String id = entry.getKey();
                JsonNode resource = entry.getValue();
                JsonNode props = resource.path("Properties");
                switch (resource.path("Type").asText()) {
                  case "AWS::EC2::Instance" -> pricing.instance(id, props);
                  case "AWS::EC2::NatGateway" -> pricing.natGateway();
                  case "AWS::EC2::EIP" -> pricing.publicIpv4("Elastic IP " + shortId(id), 1);
                  case "AWS::ElasticLoadBalancingV2::LoadBalancer" ->
                      pricing.loadBalancer(id, props);
                  case "AWS::ECS::Service" -> pricing.fargateService(id, props, resources);
                  case "AWS::RDS::DBInstance" -> pricing.database(props);
                  case "AWS::SecretsManager::Secret" ->
                      pricing.secret("Secret " + stack.part().suffix() + "/" + shortId(id));
                  case "AWS::EFS::FileSystem" -> pricing.fileSystem();
                  case "AWS::Logs::LogGroup" ->
                      logGroups.merge(stack.part().suffix(), 1, Integer::sum);
                  case "AWS::EC2::VPCEndpoint" -> pricing.endpoint(id, props);
                  case "AWS::WAFv2::WebACL" -> pricing.firewall(props);
                  case "AWS::CodePipeline::Pipeline" -> pricing.pipeline(props);
                  case "AWS::CloudFront::Distribution" -> pricing.cloudFront();
                  default -> {}
                }
              });
    }
    if (app.stack(StackPart.GIFMACHINE).isPresent()) {
      pricing.secret("Secret API password (created by the CLI)");
    }
    int groups = logGroups.values().stream().mapToInt(Integer::intValue).sum();
    if (groups > 0) {
      pricing.logs(groups);
    }
    return pricing.report("gifmachine-on-aws");
  }

  /**
   * The earlier project as its README lists it: 2 × t3a.nano (jumpbox, NAT), 2 × t3a.micro
   * (PostgreSQL, monitoring) with their root volumes, a Network Load Balancer, one Fargate task
   * (0.25 vCPU, 0.5 GB, x86), 3 secrets and five public IPv4 addresses.
   */
  public CostReport earlierProject(String region) {
    Pricing pricing = new Pricing(region);
    pricing.ec2("t3a.nano", "jumpbox");
    pricing.ec2("t3a.nano", "NAT instance");
    pricing.ec2("t3a.micro", "PostgreSQL");
    pricing.ec2("t3a.micro", "monitoring");
    pricing.rootVolumes(4, "gp2");
    pricing.networkLoadBalancer();
    pricing.fargate("Fargate task", 0.25, 0.5, "X86_64", 1);
    for (int i = 1; i <= 3; i++) {
      pricing.secret("Secret " + i);
    }
    pricing.publicIpv4("Public IPv4 (4 instances, 1 NLB)", 5);
    return pricing.report("earlier project");
  }

  private static JsonNode parse(SynthesizedStack stack) {
    try {
      return JSON.readTree(stack.templateBody());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("template of " + stack.stackName() + " is not JSON", e);
    }
  }

  /** Accumulates lines for one region. */
  private final class Pricing {
    private final String region;
    private final PriceTable.RegionPrices p;
    private final double hours = prices.hoursPerMonth();
    private final PriceTable.Assumptions a = prices.assumptions();
    private final List<CostLine> lines = new ArrayList<>();
    private final List<String> assumptions = new ArrayList<>();

    Pricing(String region) {
      this.region = region;
      this.p =
          prices
              .region(region)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "region "
                              + region
                              + ": no prices in the table of "
                              + prices.date()
                              + " (priced: "
                              + String.join(", ", new TreeMap<>(prices.regions()).keySet())
                              + ")"));
    }

    void add(String item, String basis, double monthly) {
      lines.add(new CostLine(item, basis, monthly));
    }

    void assume(String text) {
      if (!assumptions.contains(text)) {
        assumptions.add(text);
      }
    }

    String perHour(double quantity, double price) {
      return (quantity == 1 ? "" : number(quantity) + " × ")
          + number(hours)
          + " h × $"
          + number(price);
    }

    void instance(String id, JsonNode props) {
      String type = props.path("InstanceType").asText();
      boolean nat = props.path("SourceDestCheck").asText().equals("false");
      ec2(type, nat ? "NAT instance" : id);
      String volumeType =
          props.path("BlockDeviceMappings").path(0).path("Ebs").path("VolumeType").asText("gp2");
      rootVolumes(1, volumeType);
      if (nat) {
        publicIpv4("Public IPv4 (NAT instance)", 1);
      }
    }

    void ec2(String type, String role) {
      double price = lookup(p.ec2Hourly(), type, "EC2 instance type");
      add("EC2 " + type + " (" + role + ")", perHour(1, price), hours * price);
    }

    void rootVolumes(int count, String volumeType) {
      double price = lookup(p.ebsGbMonth(), volumeType, "EBS volume type");
      double gb = count * a.rootVolumeGb();
      add(
          "EBS " + volumeType + " root volume" + (count == 1 ? "" : "s ×" + count),
          number(gb) + " GB × $" + number(price),
          gb * price);
      assume("root volumes of " + number(a.rootVolumeGb()) + " GB (the AMI's size)");
    }

    void natGateway() {
      add("NAT gateway", perHour(1, p.natGatewayHourly()), hours * p.natGatewayHourly());
      add(
          "NAT gateway data",
          number(a.natGatewayGbPerMonth()) + " GB × $" + number(p.natGatewayPerGb()),
          a.natGatewayGbPerMonth() * p.natGatewayPerGb());
      assume(number(a.natGatewayGbPerMonth()) + " GB/month through the NAT gateway");
    }

    void publicIpv4(String item, int count) {
      add(item, perHour(count, p.publicIpv4Hourly()), count * hours * p.publicIpv4Hourly());
    }

    void loadBalancer(String id, JsonNode props) {
      if (props.path("Type").asText("application").equals("network")) {
        networkLoadBalancer();
      } else {
        loadBalancer(
            "Application Load Balancer",
            "ALB",
            p.applicationLoadBalancerHourly(),
            p.applicationLoadBalancerLcuHourly());
      }
      if (!props.path("Scheme").asText("internet-facing").equals("internal")) {
        int zones = Math.max(1, props.path("Subnets").size());
        publicIpv4("Public IPv4 (load balancer, " + zones + " zones)", zones);
      }
    }

    void networkLoadBalancer() {
      loadBalancer(
          "Network Load Balancer",
          "NLB",
          p.networkLoadBalancerHourly(),
          p.networkLoadBalancerNlcuHourly());
    }

    /** The hourly fee plus the assumed capacity units, which both kinds bill the same way. */
    private void loadBalancer(String name, String abbreviation, double hourly, double unitHourly) {
      add(name, perHour(1, hourly), hours * hourly);
      double units = a.loadBalancerCapacityUnits();
      add(abbreviation + " capacity units", perHour(units, unitHourly), units * hours * unitHourly);
      assume(number(units) + " load balancer capacity units on average (light traffic)");
    }

    void fargateService(String id, JsonNode props, JsonNode resources) {
      int count = props.path("DesiredCount").asInt(1);
      JsonNode task = taskDefinition(props.path("TaskDefinition"), resources);
      if (task.isMissingNode()) {
        throw new IllegalArgumentException(
            "service " + id + ": its task definition is not in the same template, cannot price it");
      }
      double vcpu = Double.parseDouble(task.path("Cpu").asText()) / 1024;
      double gb = Double.parseDouble(task.path("Memory").asText()) / 1024;
      String arch = task.path("RuntimePlatform").path("CpuArchitecture").asText("X86_64");
      boolean spot = false;
      for (JsonNode strategy : props.path("CapacityProviderStrategy")) {
        spot |= strategy.path("CapacityProvider").asText().equals("FARGATE_SPOT");
      }
      if (spot) {
        fargateSpot("Fargate Spot " + shortId(id), vcpu, gb, arch, count);
      } else {
        fargate("Fargate " + shortId(id), vcpu, gb, arch, count);
      }
      assume("Fargate services at their desired (minimum) task count");
    }

    /**
     * A service names its task definition by {@code Ref}, or, under the CODE_DEPLOY deployment
     * controller, by family.
     */
    private JsonNode taskDefinition(JsonNode reference, JsonNode resources) {
      if (reference.has("Ref")) {
        return resources.path(reference.path("Ref").asText()).path("Properties");
      }
      for (JsonNode resource : resources) {
        if (resource.path("Type").asText().equals("AWS::ECS::TaskDefinition")
            && resource.path("Properties").path("Family").asText().equals(reference.asText())) {
          return resource.path("Properties");
        }
      }
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    void fargate(String item, double vcpu, double gb, String arch, int count) {
      PriceTable.FargatePrices f = lookup(p.fargate(), arch, "Fargate architecture");
      double hourly = vcpu * f.vcpuHourly() + gb * f.gbHourly();
      add(
          item
              + " "
              + number(vcpu)
              + " vCPU "
              + number(gb)
              + " GB "
              + arch
              + (count == 1 ? "" : " ×" + count),
          perHour(count, hourly),
          count * hours * hourly);
    }

    /** Spot rates of the table's date: they move with supply and demand, the basis says so. */
    void fargateSpot(String item, double vcpu, double gb, String arch, int count) {
      PriceTable.FargatePrices f = lookup(p.fargateSpot(), arch, "Fargate Spot architecture");
      double hourly = vcpu * f.vcpuHourly() + gb * f.gbHourly();
      add(
          item
              + " "
              + number(vcpu)
              + " vCPU "
              + number(gb)
              + " GB "
              + arch
              + (count == 1 ? "" : " ×" + count),
          perHour(count, hourly) + " (Spot price of " + prices.date() + ")",
          count * hours * hourly);
      assume(
          "Fargate Spot at the table's rates of "
              + prices.date()
              + "; AWS changes Spot prices gradually, check the Fargate pricing page");
    }

    /** Data out and requests beyond CloudFront's always-free monthly allowance. */
    void cloudFront() {
      PriceTable.CloudFrontFreeTier free = prices.cloudFrontFreeTier();
      double gb = a.cloudFrontGbOutPerMonth();
      double billedGb = Math.max(0, gb - free.gbOut());
      add(
          "CloudFront data out",
          number(gb)
              + " GB − "
              + number(free.gbOut())
              + " GB free = "
              + number(billedGb)
              + " GB × $"
              + number(p.cloudFrontPerGbOut()),
          billedGb * p.cloudFrontPerGbOut());
      double millions = a.cloudFrontMillionRequestsPerMonth();
      double billedMillions = Math.max(0, millions - free.millionRequests());
      add(
          "CloudFront HTTPS requests",
          number(millions)
              + " M − "
              + number(free.millionRequests())
              + " M free = "
              + number(billedMillions)
              + " M × $"
              + number(p.cloudFrontPer10kHttpsRequests() * 100),
          billedMillions * 100 * p.cloudFrontPer10kHttpsRequests());
      assume(
          number(gb)
              + " GB out and "
              + number(millions)
              + " million requests a month"
              + " through CloudFront, inside its always-free "
              + number(free.gbOut())
              + " GB and "
              + number(free.millionRequests())
              + " million requests (per account: other"
              + " distributions of the account share it); the VPC origin costs nothing extra");
    }

    void database(JsonNode props) {
      String type = props.path("DBInstanceClass").asText();
      double price = lookup(p.rdsHourly(), type, "RDS instance class");
      boolean multiAz = props.path("MultiAZ").asBoolean(false);
      int copies = multiAz ? 2 : 1;
      add(
          "RDS " + type + (multiAz ? " Multi-AZ" : ""),
          perHour(copies, price),
          copies * hours * price);
      double gb = Double.parseDouble(props.path("AllocatedStorage").asText("20"));
      String storage = props.path("StorageType").asText("gp2");
      double gbPrice = lookup(p.rdsStorageGbMonth(), storage, "RDS storage type");
      add(
          "RDS storage " + storage,
          number(copies * gb) + " GB × $" + number(gbPrice),
          copies * gb * gbPrice);
    }

    void secret(String item) {
      add(item, "1 × $" + number(p.secretMonthly()), p.secretMonthly());
    }

    void fileSystem() {
      add(
          "EFS standard",
          number(a.efsGb()) + " GB × $" + number(p.efsStandardGbMonth()),
          a.efsGb() * p.efsStandardGbMonth());
      assume(number(a.efsGb()) + " GB on EFS (Prometheus and Grafana data)");
    }

    void logs(int groups) {
      double gb = a.logsGbPerMonth();
      double perGb = p.logsIngestPerGb() + p.logsStorageGbMonth();
      add(
          "CloudWatch Logs (" + groups + " log groups)",
          number(gb) + " GB × $" + number(perGb),
          gb * perGb);
      assume(number(gb) + " GB of logs a month in all, ingested and stored");
    }

    void endpoint(String id, JsonNode props) {
      if (!props.path("VpcEndpointType").asText().equals("Interface")) {
        return;
      }
      int zones = Math.max(1, props.path("SubnetIds").size());
      add(
          "Interface endpoint " + shortId(id),
          perHour(zones, p.interfaceEndpointHourly()),
          zones * hours * p.interfaceEndpointHourly());
    }

    void firewall(JsonNode props) {
      int rules = props.path("Rules").size();
      add("WAF web ACL", "1 × $" + number(p.wafWebAclMonthly()), p.wafWebAclMonthly());
      add("WAF rules", rules + " × $" + number(p.wafRuleMonthly()), rules * p.wafRuleMonthly());
      double millions = a.wafMillionRequestsPerMonth();
      add(
          "WAF requests",
          number(millions) + " M × $" + number(p.wafPerMillionRequests()),
          millions * p.wafPerMillionRequests());
      assume(number(millions) + " million requests a month through WAF");
    }

    void pipeline(JsonNode props) {
      if (props.path("PipelineType").asText("V1").equals("V2")) {
        add(
            "CodePipeline V2",
            "no fixed fee; $"
                + number(p.codePipelineV2PerActionMinute())
                + " per action minute when it runs",
            0);
      } else {
        add("CodePipeline V1", "1 active pipeline × $1", 1);
      }
      assume("pipeline runs and CodeBuild minutes are billed per use and not included");
    }

    CostReport report(String title) {
      assume(
          "on-demand prices unless a line says Spot, "
              + number(hours)
              + " hours a month; "
              + "data transfer out and S3 storage not included");
      return new CostReport(title, region, prices.date(), prices.currency(), lines, assumptions);
    }

    private <T> T lookup(Map<String, T> table, String key, String what) {
      T value = table.get(key);
      if (value == null) {
        throw new IllegalArgumentException(
            what + " " + key + ": no price for " + region + " in the table of " + prices.date());
      }
      return value;
    }
  }

  /** A CDK logical id without its 8-character hash suffix. */
  static String shortId(String logicalId) {
    return logicalId.replaceAll("[0-9A-F]{8}$", "");
  }

  static String number(double value) {
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return java.math.BigDecimal.valueOf(value)
        .round(new java.math.MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }
}
