namespace Warnings.Dispatch;

/// <summary>A delivery channel, as a type, so each gets its own consumer registration and queue (<c>dispatch-{name}</c>).</summary>
public interface IChannel
{
    static abstract string Name { get; }
}

public sealed class SmsChannel : IChannel { public static string Name => "sms"; }

public sealed class NetworkSmsChannel : IChannel { public static string Name => "network_sms"; }

public sealed class CellBroadcastChannel : IChannel { public static string Name => "cell_broadcast"; }

public sealed class TvChannel : IChannel { public static string Name => "tv"; }

public sealed class RadioChannel : IChannel { public static string Name => "radio"; }

public sealed class WebsiteChannel : IChannel { public static string Name => "website"; }

public sealed class SocialMediaChannel : IChannel { public static string Name => "social_media"; }

public sealed class AppPushChannel : IChannel { public static string Name => "app_push"; }

public sealed class OutdoorScreenChannel : IChannel { public static string Name => "outdoor_screen"; }

public sealed class SirenChannel : IChannel { public static string Name => "siren"; }

/// <summary>Every channel dispatch delivers to (partner feeds are the feeds module's).</summary>
public static class Channels
{
    public static IReadOnlyList<Type> All { get; } =
    [
        typeof(SmsChannel), typeof(NetworkSmsChannel), typeof(CellBroadcastChannel), typeof(TvChannel), typeof(RadioChannel),
        typeof(WebsiteChannel), typeof(SocialMediaChannel), typeof(AppPushChannel), typeof(OutdoorScreenChannel), typeof(SirenChannel),
    ];

    /// <summary>Every channel's name, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(NameOf).ToList();

    public static string NameOf(Type channel) => (string)channel.GetProperty(nameof(IChannel.Name))!.GetValue(null)!;
}
