using Warnings.Contracts.V1;
using Warnings.Core.Storage;

namespace Warnings.Reporting.Storage;

/// <summary>Incidents in the store: one document per incident (<c>incident:{id}</c>) with its state, every report and correction, every step.</summary>
public sealed class IncidentRepository(IStateStore store) : ProtoDocuments<IncidentTimeline>(store, "incident");
