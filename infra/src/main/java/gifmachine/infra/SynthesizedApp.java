package gifmachine.infra;

import java.util.List;
import java.util.Optional;

/** Every stack of a deployment, in an order where each stack follows those it depends on. */
public record SynthesizedApp(List<SynthesizedStack> stacks) {

  public SynthesizedApp {
    stacks = List.copyOf(stacks);
  }

  public Optional<SynthesizedStack> stack(StackPart part) {
    return stacks.stream().filter(s -> s.part() == part).findFirst();
  }
}
