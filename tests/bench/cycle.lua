-- A citizen's cycle: GET /s/<token>, then POST the answer, each cycle a
-- fresh ticket. args: pool file, first index, thread count.
local threads = {}
local counter = 0

setup = function(thread)
	thread:set("tid", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

local tokens = {}
local next = 1
local toanswer = {}
cycles = 0

init = function(args)
	local first, n, i = tonumber(args[2]), tonumber(args[3]), 0
	for line in io.lines(args[1]) do
		if i >= first and (i - first) % n == tid then
			tokens[#tokens + 1] = line
		end
		i = i + 1
	end
end

request = function()
	local t = table.remove(toanswer)
	if t ~= nil then
		return wrk.format("POST", "/s/" .. t, {
			["Content-Type"] = "application/x-www-form-urlencoded" },
			"overall=4&on_time=yes")
	end
	t = tokens[next] or tokens[1]
	next = next + 1
	return wrk.format("GET", "/s/" .. t)
end

-- Responses of a thread's connections interleave: tell them by content.
response = function(status, headers, body)
	if status ~= 200 then
		return
	end
	local t = body:match('action="/s/(%w+)"')
	if t ~= nil then
		toanswer[#toanswer + 1] = t
	else
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
