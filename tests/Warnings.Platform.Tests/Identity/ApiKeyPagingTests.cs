using Grpc.Core;
using Warnings.Contracts.V1;
using Warnings.Core.Grpc;
using Warnings.Testing;
using Roles = Warnings.Core.Identity.Roles;

namespace Warnings.Platform.Tests.Identity;

/// <summary>ListApiKeys pages: page_size 0 (50) to 500, next_page_token until the last page.</summary>
public sealed class ApiKeyPagingTests(EmbeddedPlatformFixture fixture) : IClassFixture<EmbeddedPlatformFixture>
{
    private IdentityService.IdentityServiceClient Identity => fixture.Platform.Client(c => new IdentityService.IdentityServiceClient(c), Roles.Operator);

    [Fact]
    public async Task Api_keys_are_listed_a_page_at_a_time()
    {
        var issued = new List<string>();
        for (int i = 0; i < 55; i++)
        {
            issued.Add((await Identity.IssueApiKeyAsync(new IssueApiKeyRequest
            {
                RequestId = $"k-{Guid.NewGuid():N}", PrincipalId = $"paged.{i}", Roles = { Roles.Analyst },
            })).KeyId);
        }

        var first = await Identity.ListApiKeysAsync(new ListApiKeysRequest());
        Assert.Equal(Paging.DefaultPageSize, first.Keys.Count);
        Assert.NotEqual("", first.NextPageToken);

        var all = new List<string>(first.Keys.Select(k => k.KeyId));
        string token = first.NextPageToken;
        while (token.Length > 0)
        {
            var page = await Identity.ListApiKeysAsync(new ListApiKeysRequest { PageSize = 7, PageToken = token });
            Assert.True(page.Keys.Count <= 7);
            all.AddRange(page.Keys.Select(k => k.KeyId));
            token = page.NextPageToken;
        }

        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(issued.Order(), all.Where(issued.Contains).Order()); // oldest first; keys issued at one instant by id

        var bad = await Assert.ThrowsAsync<RpcException>(async () => await Identity.ListApiKeysAsync(new ListApiKeysRequest { PageSize = 501 }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        var badToken = await Assert.ThrowsAsync<RpcException>(async () => await Identity.ListApiKeysAsync(new ListApiKeysRequest { PageToken = "x" }));
        RpcAssert.Refused(badToken, StatusCode.InvalidArgument, ErrorReasons.PageTokenInvalid);
    }
}
