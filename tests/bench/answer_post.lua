-- POST /s/<token>: each request answers a fresh ticket. args: pool file,
-- first index, thread count (each thread takes every n-th token).
local counter = 0

setup = function(thread)
	thread:set("tid", counter)
	counter = counter + 1
end

local tokens = {}
local next = 1

init = function(args)
	local first, n, i = tonumber(args[2]), tonumber(args[3]), 0
	for line in io.lines(args[1]) do
		if i >= first and (i - first) % n == tid then
			tokens[#tokens + 1] = line
		end
		i = i + 1
	end
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	wrk.body = "overall=5&on_time=yes&courtesy=yes"
end

request = function()
	local t = tokens[next]
	if t == nil then
		t = tokens[1]	-- pool spent: 409s, reported as errors
	end
	next = next + 1
	return wrk.format(nil, "/s/" .. t)
end
