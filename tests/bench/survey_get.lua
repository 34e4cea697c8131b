-- GET /s/<token> over a pool of open tickets, chosen at random.
local tokens = {}

init = function(args)
	for line in io.lines(args[1]) do
		tokens[#tokens + 1] = line
	end
	math.randomseed(os.time() + #tokens + math.floor(os.clock() * 1e6))
end

request = function()
	return wrk.format("GET", "/s/" .. tokens[math.random(#tokens)])
end
