using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Warnings.Contracts.V1;
using Warnings.Core.Storage;
using Xunit;

namespace Warnings.Core.Tests.Storage;

public sealed class ParsedDocumentsTests
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    // Everything a stored warning holds that could fail to come back the same from its JSON: nested
    // messages, repeated fields, timestamps with nanoseconds, doubles, an enum, text outside ASCII.
    private static WarningHistory Sample()
    {
        var content = new WarningContent
        {
            Hazard = "typhoon", Level = "red", Districts = { "310101", "310104" }, Channels = { "sms", "website" },
            OnsetAt = Timestamp.FromDateTime(new DateTime(2026, 12, 3, 8, 0, 0, 123, DateTimeKind.Utc)),
            ExpiresAt = new Timestamp { Seconds = 1_796_000_000, Nanos = 987_654_321 },
            Texts = { new WarningText { Language = "zh-CN", Headline = "台风红色预警 \"引号\" \\ \u2028" } },
            Polygons = { new Polygon { Points = { new GeoPoint { Latitude = 31.230416, Longitude = 121.473701 }, new GeoPoint { Latitude = 0.0, Longitude = 1e-300 } } } },
            Circles = { new Circle { Center = new GeoPoint { Latitude = 31.1, Longitude = 121.1 }, RadiusKm = 0.1 + 0.2 } },
        };
        return new WarningHistory
        {
            Warning = new Warning { Id = "w-1", Department = "SMB", State = WarningState.Published, Content = content, Version = 2 },
            Versions = { new WarningVersion { Version = 1, Kind = "Alert", Content = content.Clone(), ListVersion = long.MaxValue, ResponseMeasures = { "停课" } } },
            Steps = { new WarningStep { At = Timestamp.FromDateTime(DateTime.UnixEpoch), By = "officer", Action = "publish" } },
        };
    }

    [Fact]
    public void A_stored_document_read_back_from_its_json_is_the_document_written()
    {
        // Why a written document may be remembered for the next read of its JSON.
        var written = Sample();
        Assert.Equal(written, WarningHistory.Parser.ParseJson(Json.Format(written)));
    }

    [Fact]
    public void A_negative_zero_comes_back_as_zero_and_both_store_the_same_json()
    {
        // The one difference a remembered write can show against a parse: the JSON leaves every zero
        // out, so -0.0 reads back as 0.0 from the store, and as -0.0 from memory. Equal as numbers, and
        // the same JSON once written again, which is all a commit's condition compares.
        var parsed = new ParsedDocuments<WarningHistory>();
        var written = Sample();
        written.Warning.Content.Polygons[0].Points[1].Latitude = -0.0;
        string json = parsed.Format("w-1", written);

        var remembered = parsed.Parse("w-1", json);
        var fromStore = WarningHistory.Parser.ParseJson(json);

        Assert.Equal(0.0, remembered.Warning.Content.Polygons[0].Points[1].Latitude);
        Assert.Equal(Json.Format(fromStore), Json.Format(remembered));
    }

    [Fact]
    public void The_same_json_read_twice_gives_equal_documents_that_do_not_share_state()
    {
        var parsed = new ParsedDocuments<WarningHistory>();
        string json = Json.Format(Sample());

        var first = parsed.Parse("w-1", json);
        first.Warning.Content.Districts.Add("310115");
        var second = parsed.Parse("w-1", json);

        Assert.Equal(Sample(), second);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void A_read_after_a_write_gets_the_document_as_written_even_if_the_writer_changes_it_afterwards()
    {
        var parsed = new ParsedDocuments<WarningHistory>();
        var document = Sample();
        string json = parsed.Format("w-1", document);
        document.Warning.State = WarningState.Lifted;

        var read = parsed.Parse("w-1", json);

        Assert.Equal(Sample(), read);
        Assert.Equal(json, Json.Format(read));
    }

    [Fact]
    public void Other_json_under_the_same_id_is_parsed_not_taken_from_memory()
    {
        var parsed = new ParsedDocuments<WarningHistory>();
        parsed.Format("w-1", Sample());
        var changed = Sample();
        changed.Warning.Version = 3;

        Assert.Equal(3, parsed.Parse("w-1", Json.Format(changed)).Warning.Version);
        Assert.Equal(2, parsed.Parse("w-1", Json.Format(Sample())).Warning.Version);
    }

    [Fact]
    public void It_never_holds_more_than_its_capacity()
    {
        var parsed = new ParsedDocuments<WarningStep>();
        for (int i = 0; i < ParsedDocuments<WarningStep>.Capacity * 3; i++)
        {
            var step = new WarningStep { By = $"user-{i}" };
            Assert.Equal(step, parsed.Parse($"s-{i}", Json.Format(step)));
            Assert.InRange(parsed.Count, 1, ParsedDocuments<WarningStep>.Capacity);
        }
    }
}
