using System.Text.Json.Nodes;
using Google.Rpc;
using Warnings.Contracts.V1;
using Warnings.Core.Http;

namespace Warnings.Core.Tests.Http;

public sealed class UnknownJsonFieldsTests
{
    private static IReadOnlyList<string> Find(Google.Protobuf.Reflection.MessageDescriptor message, string json) =>
        UnknownJsonFields.Find(message, JsonNode.Parse(json));

    [Fact]
    public void Known_members_by_JSON_or_proto_name_and_well_known_forms_are_fine()
    {
        Assert.Empty(Find(CreateDraftRequest.Descriptor,
            """{"requestId":"r","content":{"hazard":"rain","onset_at":"2026-07-01T00:00:00Z","texts":[{"language":"zh-CN","headline":"h"}]}}"""));
    }

    [Fact]
    public void Unknown_members_are_named_with_their_path_through_messages_lists_and_maps()
    {
        Assert.Equal(["warningID", "content.levle", "content.texts[1].titel"], Find(CreateDraftRequest.Descriptor,
            """{"requestId":"r","warningID":"w","content":{"levle":"red","texts":[{"language":"zh-CN"},{"titel":"x"}]}}"""));
        Assert.Equal(["fieldViolations[0].fieldd"], Find(BadRequest.Descriptor, """{"fieldViolations":[{"field":"a","fieldd":"b"}]}"""));
    }

    [Fact]
    public void Values_of_the_wrong_kind_are_left_to_the_parser_and_the_count_is_bounded()
    {
        Assert.Empty(Find(CreateDraftRequest.Descriptor, """{"content":42,"requestId":{"x":1}}"""));
        var many = new JsonObject();
        for (int i = 0; i < 1000; i++)
        {
            many[$"x{i}"] = i;
        }

        Assert.Equal(UnknownJsonFields.MaxReported, UnknownJsonFields.Find(CreateDraftRequest.Descriptor, many).Count);
    }
}
