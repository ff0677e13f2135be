-- wrk script: POST /gif as a form, like the chat bots do. The secret comes from the environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local secret = os.getenv("GIFMACHINE_PASSWORD") or "bench-secret"
local counter = 0
request = function()
  counter = counter + 1
  local body = "url=https%3A%2F%2Fexample.com%2Fbench" .. counter .. ".gif&who=wrk&meme_top=bench&meme_bottom=" .. counter .. "&secret=" .. secret
  return wrk.format(nil, "/gif", nil, body)
end
