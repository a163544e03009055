using Warnings.Reporting.Domain;

namespace Warnings.Reporting.Tests;

/// <summary>Every bound of the severity table in DESIGN.md ("以上" includes the bound).</summary>
public class SeverityTests
{
    [Theory]
    [InlineData(0, "IV")]
    [InlineData(2, "IV")]
    [InlineData(3, "III")]
    [InlineData(9, "III")]
    [InlineData(10, "II")]
    [InlineData(29, "II")]
    [InlineData(30, "I")]
    [InlineData(500, "I")]
    public void By_deaths(int deaths, string expected) => Assert.Equal(expected, Severity.Classify(deaths, 0, 0));

    [Theory]
    [InlineData(9, "IV")]
    [InlineData(10, "III")]
    [InlineData(49, "III")]
    [InlineData(50, "II")]
    [InlineData(99, "II")]
    [InlineData(100, "I")]
    public void By_serious_injuries(int injured, string expected) => Assert.Equal(expected, Severity.Classify(0, injured, 0));

    [Theory]
    [InlineData(9_999_999, "IV")]
    [InlineData(10_000_000, "III")]
    [InlineData(49_999_999, "III")]
    [InlineData(50_000_000, "II")]
    [InlineData(99_999_999, "II")]
    [InlineData(100_000_000, "I")]
    public void By_direct_loss(long yuan, string expected) => Assert.Equal(expected, Severity.Classify(0, 0, yuan));

    [Theory]
    [InlineData(2, 50, 0, "II")]        // injuries decide
    [InlineData(3, 9, 99_999_999, "II")] // loss decides
    [InlineData(30, 0, 0, "I")]
    [InlineData(2, 9, 9_999_999, "IV")]
    public void The_worst_criterion_decides(int deaths, int injured, long yuan, string expected) =>
        Assert.Equal(expected, Severity.Classify(deaths, injured, yuan));

    [Fact]
    public void Ranks_order_the_classes_from_worst()
    {
        Assert.True(Severity.Rank("I") > Severity.Rank("II"));
        Assert.True(Severity.Rank("II") > Severity.Rank("III"));
        Assert.True(Severity.Rank("III") > Severity.Rank("IV"));
    }
}
