package gifmachine.cli.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.TagFilter;

/** {@link TaggingGateway} on the Resource Groups Tagging API. */
public final class SdkTaggingGateway implements TaggingGateway {

  private final ResourceGroupsTaggingApiClient client;

  public SdkTaggingGateway(ResourceGroupsTaggingApiClient client) {
    this.client = client;
  }

  @Override
  public List<String> resourcesTagged(String key, String value) {
    return AwsErrors.call(
        "Tagging.GetResources",
        () -> {
          List<String> arns = new ArrayList<>();
          client
              .getResourcesPaginator(
                  r -> r.tagFilters(TagFilter.builder().key(key).values(value).build()))
              .forEach(
                  page -> page.resourceTagMappingList().forEach(m -> arns.add(m.resourceARN())));
          return arns;
        });
  }
}
