-- One cycle = POST /api/v1/tickets, then GET its qr.svg. args: key, unit,
-- procedure. Prints the completed cycles for the orchestrator.
local threads = {}

setup = function(thread)
	table.insert(threads, thread)
end

local pending = {}
cycles = 0
local key, body

init = function(args)
	key = args[1]
	body = string.format('{"procedure": "%s", "unit": "%s"}', args[3],
	    args[2])
end

request = function()
	local t = table.remove(pending)
	if t ~= nil then
		return wrk.format("GET", "/api/v1/tickets/" .. t .. "/qr.svg")
	end
	return wrk.format("POST", "/api/v1/tickets", {
		["Content-Type"] = "application/json",
		["Authorization"] = "Bearer " .. key }, body)
end

response = function(status, headers, body)
	if status == 201 then
		local t = body:match('"token":"(%w+)"')
		if t ~= nil then
			pending[#pending + 1] = t
		end
	elseif status == 200 then
		cycles = cycles + 1
	end
end

done = function(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do
		n = n + t:get("cycles")
	end
	io.write(string.format("cycles %d\n", n))
end
