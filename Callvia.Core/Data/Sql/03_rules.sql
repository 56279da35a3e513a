-- Rules the database shares with the C# code. Each has its C# twin named beside it; CallRulesShould evaluates both
-- on the same cases, so they cannot drift apart.

-- A connected call: the lead picked up (Retell reports a start) or the call lasted. Contact rate, first contact and
-- the reach rollups count these. C#: CallLog.IsConnected.
CREATE OR REPLACE FUNCTION call_connected(p_started_at timestamptz, p_duration_seconds integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT p_started_at IS NOT NULL OR coalesce(p_duration_seconds, 0) > 0 $$;
