using Grpc.Core;
using Warnings.Core.Grpc;

namespace Warnings.Core.Tests.Grpc;

/// <summary>
/// A page of a list kept in the store reads only the windows it needs and looks at no more than
/// <see cref="Paging.MaxExamined"/> items, whatever the filter: the work of one call is bounded.
/// </summary>
public sealed class PagingTests
{
    private sealed class CountingList(int length, Func<int, string?>? itemAt = null)
    {
        public int Read { get; private set; }

        public Task<IReadOnlyList<string?>> Window(long start, int count)
        {
            var items = Enumerable.Range((int)start, (int)Math.Max(0, Math.Min(count, length - start))).Select(i => itemAt is null ? $"item-{i}" : itemAt(i)).ToList();
            Read += items.Count;
            return Task.FromResult<IReadOnlyList<string?>>(items);
        }
    }

    private static Paging Page(int size, string token = "", bool newestFirst = false)
    {
        var problems = new FieldViolations();
        var page = Paging.Read(size, token, problems, newestFirst);
        problems.ThrowIfAny();
        return page;
    }

    [Fact]
    public async Task A_page_that_matches_everything_reads_the_page_and_no_more()
    {
        var list = new CountingList(100_000);

        var (items, next) = await Page(50).TakeAsync(100_000, list.Window, _ => true);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"item-{i}"), items);
        Assert.Equal(50, list.Read);
        var (following, _) = await Page(50, next).TakeAsync(100_000, list.Window, _ => true);
        Assert.Equal("item-50", following[0]);
    }

    [Fact]
    public async Task A_sparse_filter_stops_at_the_examined_limit_and_the_token_goes_on_from_there()
    {
        var list = new CountingList(100_000);

        var (items, next) = await Page(50).TakeAsync(100_000, list.Window, i => i == "item-99999");

        Assert.Empty(items);
        Assert.Equal(Paging.MaxExamined, list.Read);
        Assert.Equal(Paging.TokenOf(Paging.MaxExamined), next);

        // Reading on until the token is empty finds it, each call bounded.
        var found = new List<string>();
        int calls = 1;
        while (next.Length > 0)
        {
            (items, next) = await Page(50, next).TakeAsync(100_000, list.Window, i => i == "item-99999");
            found.AddRange(items);
            calls++;
        }

        Assert.Equal(["item-99999"], found);
        Assert.Equal(100_000 / Paging.MaxExamined, calls);
    }

    [Fact]
    public async Task A_page_full_in_the_middle_of_a_window_goes_on_right_after_its_last_item()
    {
        var list = new CountingList(1_000);
        bool Even(string i) => int.Parse(i["item-".Length..]) % 2 == 0;

        var (first, next) = await Page(10).TakeAsync(1_000, list.Window, Even);
        var (second, _) = await Page(10, next).TakeAsync(1_000, list.Window, Even);

        Assert.Equal("item-18", first[^1]);
        Assert.Equal("item-20", second[0]);
    }

    [Fact]
    public async Task Missing_items_are_skipped_and_the_last_page_has_no_token()
    {
        var list = new CountingList(5, i => i == 2 ? null : $"item-{i}");

        var (items, next) = await Page(50).TakeAsync(5, list.Window, _ => true);

        Assert.Equal(["item-0", "item-1", "item-3", "item-4"], items);
        Assert.Equal("", next);
    }

    [Fact]
    public async Task A_token_beyond_the_end_is_an_invalid_argument()
    {
        var list = new CountingList(5);

        var e = await Assert.ThrowsAsync<RpcException>(() => Page(50, Paging.TokenOf(6)).TakeAsync(5, list.Window, _ => true));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal(0, list.Read);
    }

    [Fact]
    public async Task Newest_first_reads_the_end_of_the_list_backwards_and_goes_on_below_it()
    {
        var list = new CountingList(100_000);

        var (items, next) = await Page(3, newestFirst: true).TakeAsync(100_000, list.Window, _ => true);
        var (following, _) = await Page(3, next, newestFirst: true).TakeAsync(100_000, list.Window, _ => true);

        Assert.Equal(["item-99999", "item-99998", "item-99997"], items);
        Assert.Equal(["item-99996", "item-99995", "item-99994"], following);
        Assert.Equal(6, list.Read);
    }

    [Fact]
    public async Task Newest_first_with_a_sparse_filter_is_bounded_too_and_reaches_the_first_item()
    {
        var list = new CountingList(10_000);

        var (items, next) = await Page(50, newestFirst: true).TakeAsync(10_000, list.Window, i => i == "item-0");
        Assert.Empty(items);
        Assert.Equal(Paging.MaxExamined, list.Read);

        var found = new List<string>();
        while (next.Length > 0)
        {
            (items, next) = await Page(50, next, newestFirst: true).TakeAsync(10_000, list.Window, i => i == "item-0");
            found.AddRange(items);
        }

        Assert.Equal(["item-0"], found);
        Assert.Equal(10_000, list.Read);
    }

    [Fact]
    public async Task An_empty_list_newest_first_is_one_empty_page_and_a_token_of_the_other_order_is_refused()
    {
        var (items, next) = await Page(50, newestFirst: true).TakeAsync(0, new CountingList(0).Window, _ => true);
        Assert.Empty(items);
        Assert.Equal("", next);

        var e = Assert.Throws<RpcException>(() => Page(50, Paging.TokenOf(5), newestFirst: true));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        e = Assert.Throws<RpcException>(() => Page(50, Paging.TokenOf(5, newestFirst: true)));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
    }
}
