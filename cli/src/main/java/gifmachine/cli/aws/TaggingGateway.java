package gifmachine.cli.aws;

import java.util.List;

/** The Resource Groups Tagging API: after {@code down}, what still carries our deployment tag. */
public interface TaggingGateway {

  /** ARNs of resources tagged {@code key=value} in the client's region. */
  List<String> resourcesTagged(String key, String value);
}
