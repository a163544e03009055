using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Issuing.Storage;

/// <summary>Warnings in the store: one document per warning (<c>warning:{id}</c>) with its state, every published version and every step.</summary>
public sealed class WarningRepository(IStateStore store) : ProtoDocuments<WarningHistory>(store, "warning");
