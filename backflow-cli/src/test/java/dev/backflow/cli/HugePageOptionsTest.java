package dev.backflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a relaunched training JVM asks for transparent huge pages. */
class HugePageOptionsTest {
  private static final List<String> ASK = List.of("-XX:+UseTransparentHugePages");

  @Test
  void aKernelThatGivesHugePagesOnRequestIsAskedForThem() {
    assertEquals(ASK, HugePageOptions.forTraining(List.of(), "always [madvise] never"));
    assertEquals(ASK, HugePageOptions.forTraining(List.of("-Xmx4g", "-XX:+UseSerialGC"), "always [madvise] never"));
  }

  @Test
  void aKernelThatGivesThemAlwaysOrNeverOrHasNoSettingIsLeftAlone() {
    assertEquals(List.of(), HugePageOptions.forTraining(List.of(), "[always] madvise never"));
    assertEquals(List.of(), HugePageOptions.forTraining(List.of(), "always madvise [never]"));
    assertEquals(List.of(), HugePageOptions.forTraining(List.of(), null));
  }

  @Test
  void aCommandLineThatSaysAnythingAboutLargePagesIsLeftAlone() {
    for (String option : List.of("-XX:-UseTransparentHugePages", "-XX:+UseTransparentHugePages", "-XX:+UseLargePages",
        "-XX:-UseLargePages", "-XX:+UseLargePagesIndividualAllocation")) {
      assertEquals(List.of(), HugePageOptions.forTraining(List.of(option), "always [madvise] never"), option);
    }
  }
}
