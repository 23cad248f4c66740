-- SPDX-License-Identifier: Apache-2.0
-- alveo-route.lua: Orthanc (1.10 or later) auto-routing of chest images to an `alveo serve` worker,
-- for sites that run Alveo as a separate DICOM node instead of the Alveo Orthanc plugin.
--
-- When a study becomes stable (no new instance for "StableAge" seconds), the CT, CR and DX image
-- instances of the study that were not routed before are sent to the Orthanc modality named in
-- "AlveoRouting": {"Modality": ...} (default "alveo") by an asynchronous C-STORE job. Alveo analyses
-- the study and sends its Structured Report back to Orthanc (one of alveo's delivery destinations),
-- where it joins the same study. See deploy/orthanc/README.md.
--
-- Rules:
--  * Only series whose Modality is in SERIES_MODALITIES, and in them only instances whose SOP class
--    is in IMAGE_SOP_CLASSES, are sent. SR, SEG, PR, KO, OT, dose reports, raw data ... never are.
--  * An instance that came from the Alveo node itself (its RemoteAET is the modality's AE title) is
--    never sent: together with the two filters above, Alveo's SR can never be routed back (no loop).
--  * Each instance routed successfully gets the user metadata "AlveoRouted" (declare it in Orthanc's
--    "UserMetadata"), stored in Orthanc's index: when the study becomes stable again (for instance
--    after the SR arrived, or after a new series), only the instances without it are sent. This
--    survives Orthanc restarts. Delete the metadata (DELETE /instances/{id}/metadata/AlveoRouted) to
--    route an instance again.
--  * The body part is not checked here: `alveo serve` applies its own study filter (study.filter,
--    chest only) and keeps other studies as "ignored", without an SR.
--
-- Sending is asynchronous (an Orthanc job), so this script never blocks Orthanc's Lua thread for
-- the minutes a large CT may take. The instances are marked only in OnJobSuccess: a failed job
-- leaves them unmarked, and its study is routed again at the next stable event of any study (Orthanc
-- 1.10 has no Lua timer; a site with traffic retries within minutes), or when the job is resubmitted
-- (POST /jobs/{id}/resubmit) and succeeds within this Orthanc run. Delivery is thus at least once;
-- Alveo answers a duplicate instance with Success and ignores it.
--
-- Log lines start with "alveo-route:" (Orthanc logs them as "Lua says: ..." at warning level). They
-- name Orthanc's resource and job identifiers only, never patient data.

-- Series modalities worth sending to Alveo (Enhanced CT keeps Modality CT).
local SERIES_MODALITIES = { CT = true, CR = true, DX = true }

-- The image storage SOP classes Alveo analyses among those modalities.
local IMAGE_SOP_CLASSES = {
  ['1.2.840.10008.5.1.4.1.1.2'] = true,        -- CT Image Storage
  ['1.2.840.10008.5.1.4.1.1.2.1'] = true,      -- Enhanced CT Image Storage
  ['1.2.840.10008.5.1.4.1.1.2.2'] = true,      -- Legacy Converted Enhanced CT Image Storage
  ['1.2.840.10008.5.1.4.1.1.1'] = true,        -- Computed Radiography Image Storage
  ['1.2.840.10008.5.1.4.1.1.1.1'] = true,      -- Digital X-Ray Image Storage - For Presentation
  ['1.2.840.10008.5.1.4.1.1.1.1.1'] = true,    -- Digital X-Ray Image Storage - For Processing
}

local METADATA = 'AlveoRouted'
local DEFAULT_MODALITY = 'alveo'
local PREFIX = 'alveo-route: '

-- Read once when Orthanc loads the script. The modality itself is looked up at routing time, so a
-- modality added later through the REST API (PUT /modalities/{name}) is found.
local config = GetOrthancConfiguration()
local routing = (type(config['AlveoRouting']) == 'table') and config['AlveoRouting'] or {}
local modality = routing['Modality']
if type(modality) ~= 'string' or modality == '' then
  modality = DEFAULT_MODALITY
end
local metadata_declared = type(config['UserMetadata']) == 'table' and config['UserMetadata'][METADATA] ~= nil

-- Routing jobs of this Orthanc run: job ID -> { study = study ID, instances = { instance IDs } }.
local jobs = {}
-- Instance ID -> job ID while a job that carries it has neither succeeded nor failed.
local in_flight = {}
-- Study IDs whose routing failed in this Orthanc run: routed again at the next stable event.
local retry_studies = {}

local function Log(message)
  print(PREFIX .. message)
end

-- GET `uri` as a Lua table; nil if Orthanc answered with an error (Orthanc logs it).
local function GetJson(uri)
  local body = RestApiGet(uri)
  if body == nil then
    return nil
  end
  return ParseJson(body)
end

-- "CT x2, SR x1" from a table name -> count, sorted by name.
local function Summary(counts)
  local names = {}
  for name in pairs(counts) do
    table.insert(names, name)
  end
  table.sort(names)
  local parts = {}
  for _, name in ipairs(names) do
    table.insert(parts, name .. ' x' .. counts[name])
  end
  return table.concat(parts, ', ')
end

if metadata_declared then
  Log('loaded; stable CT/CR/DX images go to modality "' .. modality .. '"')
else
  Log('ERROR: "UserMetadata" has no "' .. METADATA .. '" entry (e.g. "' .. METADATA ..
      '": 4242); nothing will be routed until it is added and Orthanc restarted')
end

-- Sends the study's images that were not routed before; `why` is for the log ("stable", "retry").
local function RouteStudy(studyId, why)
  if not metadata_declared then
    Log('study ' .. studyId .. ': not routed: "UserMetadata" has no "' .. METADATA .. '" entry')
    return
  end
  local target = GetJson('/modalities/' .. modality .. '/configuration')
  if target == nil then
    Log('study ' .. studyId .. ': not routed: no DICOM modality "' .. modality ..
        '" (add it to "DicomModalities" or PUT /modalities/' .. modality .. ')')
    retry_studies[studyId] = true
    return
  end
  local alveo_aet = target['AET']

  local series_list = GetJson('/studies/' .. studyId .. '/series')
  if series_list == nil then
    return  -- the study was deleted meanwhile
  end

  local to_send = {}
  local series_sent = 0
  local skipped_series = {}    -- modality -> number of series not considered
  local already = 0            -- instances routed before
  local pending = 0            -- instances in a routing job still running
  local other_class = 0        -- instances of a SOP class Alveo does not analyse
  local from_alveo = 0         -- instances Alveo itself sent to Orthanc

  for _, series in ipairs(series_list) do
    local series_modality = series['MainDicomTags']['Modality'] or ''
    if not SERIES_MODALITIES[series_modality] then
      local key = (series_modality == '') and '(no modality)' or series_modality
      skipped_series[key] = (skipped_series[key] or 0) + 1
    else
      local added = 0
      for _, instanceId in ipairs(series['Instances']) do
        local meta = GetJson('/instances/' .. instanceId .. '/metadata?expand')
        if meta == nil then
          -- deleted meanwhile
        elseif meta[METADATA] ~= nil then
          already = already + 1
        elseif in_flight[instanceId] ~= nil then
          pending = pending + 1
        elseif meta['SopClassUid'] ~= nil and not IMAGE_SOP_CLASSES[meta['SopClassUid']] then
          other_class = other_class + 1
        elseif alveo_aet ~= nil and meta['RemoteAET'] == alveo_aet then
          from_alveo = from_alveo + 1
        else
          table.insert(to_send, instanceId)
          added = added + 1
        end
      end
      if added > 0 then
        series_sent = series_sent + 1
      end
    end
  end

  local details = string.format('%d already routed, %d in a running job, %d other SOP classes, ' ..
                                '%d from the Alveo node; series not sent: %s',
                                already, pending, other_class, from_alveo,
                                next(skipped_series) and Summary(skipped_series) or 'none')
  if #to_send == 0 then
    Log('study ' .. studyId .. ': nothing new to route (' .. details .. ')')
    return
  end

  local request = { Resources = to_send, Asynchronous = true }
  local answer = RestApiPost('/modalities/' .. modality .. '/store', DumpJson(request, true))
  local job = (answer ~= nil) and ParseJson(answer) or nil
  if job == nil or job['ID'] == nil then
    Log('study ' .. studyId .. ': ERROR: could not submit the store job to "' .. modality ..
        '" (see the error above); the ' .. #to_send .. ' instances are tried again at the next stable event')
    retry_studies[studyId] = true
    return
  end
  jobs[job['ID']] = { study = studyId, instances = to_send }
  for _, instanceId in ipairs(to_send) do
    in_flight[instanceId] = job['ID']
  end
  Log(string.format('study %s: routing %d instances of %d series to "%s" as job %s (%s; %s)',
                    studyId, #to_send, series_sent, modality, job['ID'], details, why))
end

function OnStableStudy(studyId, tags, metadata)
  retry_studies[studyId] = nil
  RouteStudy(studyId, 'stable')
  -- Studies whose routing failed earlier get another chance now: Orthanc 1.10 has no timer.
  local again = {}
  for id in pairs(retry_studies) do
    table.insert(again, id)
  end
  table.sort(again)
  for _, id in ipairs(again) do
    retry_studies[id] = nil
    RouteStudy(id, 'retry after a failure')
  end
end

function OnJobSuccess(jobId)
  local routed = jobs[jobId]
  if routed == nil then
    return  -- not a routing job of this script (or of an earlier Orthanc run)
  end
  local stamp = os.date('!%Y-%m-%dT%H:%M:%SZ') .. ' job ' .. jobId
  local marked = 0
  for _, instanceId in ipairs(routed.instances) do
    if in_flight[instanceId] == jobId then
      in_flight[instanceId] = nil
    end
    -- nil when the instance was deleted meanwhile (Orthanc logs it)
    if RestApiPut('/instances/' .. instanceId .. '/metadata/' .. METADATA, stamp) ~= nil then
      marked = marked + 1
    end
  end
  jobs[jobId] = nil
  Log(string.format('job %s: study %s: %d instances delivered to "%s", %d marked %s',
                    jobId, routed.study, #routed.instances, modality, marked, METADATA))
end

function OnJobFailure(jobId)
  local routed = jobs[jobId]
  if routed == nil then
    return
  end
  -- The job stays known (a resubmitted job that succeeds still marks its instances), but its
  -- instances are free again: the next stable event (of this study or any other) sends them in a
  -- new job.
  for _, instanceId in ipairs(routed.instances) do
    if in_flight[instanceId] == jobId then
      in_flight[instanceId] = nil
    end
  end
  retry_studies[routed.study] = true
  local info = GetJson('/jobs/' .. jobId) or {}
  Log(string.format('job %s: study %s: ERROR: sending %d instances to "%s" failed: %s %s; not marked, ' ..
                    'resubmit with POST /jobs/%s/resubmit or they are sent at the next stable event of any study',
                    jobId, routed.study, #routed.instances, modality, tostring(info['ErrorDescription']),
                    tostring(info['ErrorDetails'] or ''), jobId))
end
