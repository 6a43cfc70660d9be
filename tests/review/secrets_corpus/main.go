package main

// Go assignment forms.
func main() {
	apiToken := "vph&Ik7^s4p&qL0KJFlK6CXzU6M" // expect: secrets.generic
	gitlabToken := "glpat-MptUsGr7CmY-uCu3ZR1z" // expect: secrets.gitlab-token
	token := os.Getenv("API_TOKEN")
	secretName := "projects/demo/secrets/api-key/versions/latest"
	commit := "b6589fc6ab0dc82cf12099d1c2d40ab994e8410c"
}
