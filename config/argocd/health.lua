-- Bosun (bosun.dev/v1alpha1): its status follows kstatus, with observedGeneration:
-- Reconciling=True is in progress, Stalled=True failed, Ready=True done. Read the
-- way kstatus reads it, with a plan waiting for an Approval (reason
-- AwaitingApproval) Suspended, and an object Bosun has not written yet Progressing.
-- Needs no library beyond those Argo CD opens for an argocd-cm check (base, table, a safe os).
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for Bosun to reconcile the " .. obj.kind
  return hs
end
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= nil and generation ~= observed then
  hs.status = "Progressing"
  hs.message = obj.kind .. " generation is " .. generation .. ", but latest observed generation is " .. observed
  return hs
end
local ready = nil
local settled = nil
for _, condition in ipairs(obj.status.conditions) do
  if condition.type == "Reconciling" and condition.status == "True" then
    if condition.reason == "AwaitingApproval" then
      hs.status = "Suspended"
    else
      hs.status = "Progressing"
    end
    hs.message = condition.message
    return hs
  end
  if condition.type == "Stalled" and condition.status == "True" then
    hs.status = "Degraded"
    hs.message = condition.message
    return hs
  end
  if condition.type == "Ready" then
    ready = condition
  elseif condition.status == "True" and settled == nil then
    settled = condition
  end
end
if ready ~= nil then
  if ready.status == "True" then
    hs.status = "Healthy"
  else
    hs.status = "Progressing"
  end
  hs.message = ready.message
  return hs
end
-- settled, neither done nor failed (a superseded Approval): kstatus reads it Current
hs.status = "Healthy"
if settled ~= nil then
  hs.message = settled.message
end
return hs
