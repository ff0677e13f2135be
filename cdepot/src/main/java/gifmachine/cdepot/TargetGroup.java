package gifmachine.cdepot;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One entry of Prometheus service discovery, the same shape for {@code http_sd} ({@code GET
 * /targets}) and {@code file_sd}: {@code {"labels":{...},"targets":["ip:port"]}}.
 */
@JsonPropertyOrder({"labels", "targets"})
public record TargetGroup(TargetLabels labels, List<String> targets) {

  public TargetGroup {
    targets = List.copyOf(targets);
  }
}
